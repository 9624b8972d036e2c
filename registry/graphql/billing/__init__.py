"""GraphQL for invoices, credit notes, VAT rules and payments."""
