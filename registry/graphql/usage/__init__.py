"""GraphQL for adoption, usage rights, usage records, tariffs, communities and business cases."""
