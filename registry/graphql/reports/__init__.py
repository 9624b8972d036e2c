"""GraphQL for the contribution report: its data, and exports into files."""
