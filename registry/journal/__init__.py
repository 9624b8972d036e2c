"""The books: the registry's invoices, credit notes, payments and refunds as journal lines."""
