"""GraphQL for financial years."""
