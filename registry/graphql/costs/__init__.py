"""GraphQL for cost pools and allocation runs."""
