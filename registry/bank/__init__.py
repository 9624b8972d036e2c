"""Bank statements: camt.053 and MT940 read, their entries stored once and matched to invoices."""
