"""GraphQL of bank statements."""
