"""What the pages and the GraphQL API share at the HTTP level.

Who is calling (session cookie or bearer token) and the session cookie itself, CSRF
protection of forms, the browser security headers and the rate limits. Both adapters,
`registry.web` and `registry.graphql`, use this package; it imports neither of them, and
`registry.app` composes the three into one application.
"""

GRAPHQL_PATH = "/graphql"
"""Where the API answers; the pages live everywhere else."""
