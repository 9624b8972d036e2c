"""Contracts and commitments: the register of the cooperative's contracts with suppliers."""
