// Copies the NL Design System CSS (and the font its theme names) and htmx out of node_modules into
// static/vendor, so the pages are served entirely by this application, never from a CDN.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
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
