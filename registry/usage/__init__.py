"""Adoption (gebruik), usage rights, usage records and usage tariffs."""
