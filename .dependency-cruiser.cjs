// The floors of packages/server/src (shared DESIGN.md, packages/server/README.md): a file imports
// only from its own floor or below, a feature reaches another feature only through a port of the
// runtime, and nothing imports in a circle. Run by `npm run check`; no rule has exceptions.
const server = "^packages/server/src/";
const features =
  "(apps|app-versions|accounts|audit|devices|data-store|files|ai|usage|provider|plans|billing|partners|notices)";

const floors = {
  root: [`${server}(conflux|index)\\.ts$`, `${server}cli/`],
  features: [`${server}${features}/`],
  http: [`${server}api/`],
  runtime: [`${server}runtime/`],
  seams: [`${server}(store|bus)/`],
  kernel: [
    `${server}(errors|ids)\\.ts$`,
    `${server}(auth|config|expressions|logging|mail|metrics|outbound|sandbox|secrets)/`,
  ],
};
const order = ["kernel", "seams", "runtime", "http", "features", "root"];
const tests = ["\\.test\\.tsx?$", "^packages/(server|studio)/test/"];

/** One rule per floor: nothing above it. Tests beside the code may use any floor to set up. */
const downward = order.slice(0, -1).map((floor, index) => ({
  name: `${floor}-imports-only-downward`,
  comment: `${floor} may import only from its own floor or below (${order.slice(0, index + 1).join(", ")})`,
  severity: "error",
  from: { path: floors[floor], pathNot: tests },
  to: { path: order.slice(index + 1).flatMap((above) => floors[above]) },
}));

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "no file imports itself through others, type imports included",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "core-imports-nothing-of-ours",
      comment: "core is pure and runs in the browser: no server, studio or bench",
      severity: "error",
      from: { path: "^packages/core/" },
      to: { path: "^(packages/(server|studio)|bench)/" },
    },
    {
      name: "studio-never-imports-server",
      comment: "the studio talks to the server over HTTP only; shared shapes live in core",
      severity: "error",
      from: { path: "^packages/studio/", pathNot: "^packages/studio/test/" },
      to: { path: "^(packages/server|bench)/" },
    },
    {
      name: "feature-imports-no-other-feature",
      comment: "a feature reaches another one only through a port of the runtime (runtime/ports/)",
      severity: "error",
      from: { path: `${server}${features}/`, pathNot: tests },
      to: { path: `${server}${features}/`, pathNot: `${server}$1/` },
    },
    {
      name: "only-cli-and-tests-import-the-root",
      comment:
        "conflux.ts is the composition root: the CLI, the package entry, tests and benchmarks start it",
      severity: "error",
      from: { pathNot: [`${server}cli/`, `${server}index\\.ts$`, "^bench/", ...tests] },
      to: { path: `${server}conflux\\.ts$` },
    },
    ...downward,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["node_modules", "/dist/"] },
    // Type-only imports count: a type pulled from above is still a dependency on what is above.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".json"],
    },
    reporterOptions: {
      mermaid: { minify: false },
    },
  },
};
