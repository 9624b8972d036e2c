"""GraphQL for contribution rates and fee runs."""
