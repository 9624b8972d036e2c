// Copies the NL Design System CSS (and the font its theme names), htmx and, for development mode,
// GraphiQL out of node_modules into static/vendor, so the pages are served entirely by this
// application, never from a CDN.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const vendor = join(here, "static", "vendor");

const files = [
  ["@utrecht/component-library-css/dist/index.css", "utrecht-components.css"],
  ["@utrecht/component-library-css/LICENSE.md", "LICENSE-utrecht-component-library-css.md"],
  // The NL Design System example theme ("voorbeeld"), EUPL-1.2 like the components.
  ["@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css", "voorbeeld-theme.css"],
  ["@nl-design-system-unstable/voorbeeld-design-tokens/LICENSE.md", "LICENSE-voorbeeld-design-tokens.md"],
  ["@fontsource-variable/noto-sans/index.css", "noto-sans/index.css"],
  ["@fontsource-variable/noto-sans/LICENSE", "noto-sans/LICENSE"],
  // htmx: pages that poll a fragment (the report export's progress), 0BSD.
  ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["htmx.org/LICENSE", "LICENSE-htmx.md"],
  // GraphiQL (development mode only): its browser build expects React and ReactDOM as globals,
  // so React 18 (the last with UMD builds). All MIT.
  ["react/umd/react.production.min.js", "graphiql/react.production.min.js"],
  ["react/LICENSE", "graphiql/LICENSE-react"],
  ["react-dom/umd/react-dom.production.min.js", "graphiql/react-dom.production.min.js"],
  ["react-dom/LICENSE", "graphiql/LICENSE-react-dom"],
  ["graphiql/graphiql.min.js", "graphiql/graphiql.min.js"],
  ["graphiql/LICENSE", "graphiql/LICENSE-graphiql"],
];

// The font stylesheet refers to its files relatively (url(./files/...)): copy exactly those.
const fontCss = readFileSync(join(modules, "@fontsource-variable/noto-sans/index.css"), "utf8");
for (const [, file] of fontCss.matchAll(/url\(\.\/(files\/[^)]+)\)/g)) {
  files.push([`@fontsource-variable/noto-sans/${file}`, `noto-sans/${file}`]);
}

rmSync(vendor, { recursive: true, force: true });
for (const [source, target] of files) {
  mkdirSync(dirname(join(vendor, target)), { recursive: true });
  copyFileSync(join(modules, source), join(vendor, target));
}
console.log(`copied ${files.length} files to ${vendor}`);

// GraphiQL's stylesheet embeds its fonts as data: URLs, which the Content-Security-Policy
// (font-src 'self') refuses: write them out as files and point the stylesheet at those.
const graphiqlCss = readFileSync(join(modules, "graphiql/graphiql.min.css"), "utf8");
let fonts = 0;
const css = graphiqlCss.replace(/url\(data:font\/(woff2?);base64,([A-Za-z0-9+/=]+)\)/g, (_, ext, data) => {
  const bytes = Buffer.from(data, "base64");
  const name = `fonts/${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}.${ext}`;
  mkdirSync(join(vendor, "graphiql/fonts"), { recursive: true });
  writeFileSync(join(vendor, "graphiql", name), bytes);
  fonts += 1;
  return `url(./${name})`;
});
writeFileSync(join(vendor, "graphiql/graphiql.min.css"), css);
console.log(`wrote graphiql.min.css with ${fonts} fonts as files`);

// graphiql.min.js bundles its own dependencies (CodeMirror, graphql-js, markdown-it, Radix, ...):
// their licences, gathered from graphiql's dependency tree as npm installed it, in one file.
function licenceOf(name, seen) {
  if (seen.has(name)) return [];
  seen.add(name);
  const folder = join(modules, name);
  if (!existsSync(join(folder, "package.json"))) return [];
  const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const notice = ["LICENSE", "LICENSE.md", "LICENSE.txt", "license", "LICENCE"]
    .map((file) => join(folder, file))
    .find((path) => existsSync(path));
  const text = notice ? readFileSync(notice, "utf8").trim() : `License: ${manifest.license}`;
  const own = `${name}@${manifest.version} (${manifest.license})\n\n${text}\n`;
  const next = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
  return [own, ...next.flatMap((dependency) => licenceOf(dependency, seen))];
}
const bundled = licenceOf("graphiql", new Set(["react", "react-dom"])).slice(1);
writeFileSync(
  join(vendor, "graphiql/LICENSES-bundled.txt"),
  `Licences of the packages graphiql depends on, bundled in graphiql.min.js\n\n${bundled.join(`\n${"-".repeat(72)}\n\n`)}`,
);
console.log(`gathered ${bundled.length} licences bundled in graphiql.min.js`);
