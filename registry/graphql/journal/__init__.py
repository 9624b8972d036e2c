"""GraphQL for the journal export (the books of a year, for the accountant)."""
