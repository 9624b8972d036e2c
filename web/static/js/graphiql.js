// GraphiQL in development mode. The query being edited is kept in the address as ?q=… (not
// ?query=, which asks /graphql to run the query instead), so a link opens the same query.
// Requests are JSON POSTs to /graphql with the browser's session cookie: you query as the
// person logged in on the site. /graphql takes no CSRF token (browsers cannot send a JSON
// body to another site without CORS), so none is added here.
//
// GraphiQL's dialogs add a <style> element while open (to stop the page behind from scrolling);
// the page's Content-Security-Policy allows it only with the nonce of this response, which
// GraphiQL's bundle puts on the element when it finds it as __webpack_nonce__.
(function () {
  "use strict";

  const element = document.getElementById("graphiql");
  if (!element || typeof GraphiQL === "undefined") {
    return;
  }

  const DEFAULT_QUERY = `# GraphiQL for the Coöperatieregister (development mode).
#
# Run a query with Ctrl-Enter or the play button; the documentation of the
# schema is behind the book icon. For example:

{
  applications(first: 5) {
    totalCount
  }
}
`;

  window.__webpack_nonce__ = element.dataset.styleNonce;

  const parameters = new URLSearchParams(window.location.search);

  function remember(name, value) {
    if (value) {
      parameters.set(name, value);
    } else {
      parameters.delete(name);
    }
    const search = parameters.toString();
    window.history.replaceState(null, "", search ? "?" + search : window.location.pathname);
  }

  const fetcher = GraphiQL.createFetcher({
    url: new URL(element.dataset.endpoint, window.location.href).toString(),
  });

  const root = ReactDOM.createRoot(element);
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: DEFAULT_QUERY,
      query: parameters.get("q") || undefined,
      variables: parameters.get("variables") || undefined,
      onEditQuery: function (query) {
        remember("q", query);
      },
      onEditVariables: function (variables) {
        remember("variables", variables);
      },
      defaultEditorToolsVisibility: true,
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
    }),
  );
})();
