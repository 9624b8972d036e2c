"""Invoices, credit notes and payments: billing what the registry computed, collecting it."""
