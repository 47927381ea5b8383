// Compiles the server and the `conflux` CLI to JavaScript in dist/js/, so neither compiles TypeScript
// when it starts. Run by `npm ci` (the root's prepare script) and by `npm start`; tests run the sources.
import { rmSync } from "node:fs";
import { build } from "esbuild";

const out = new URL("../dist/js/", import.meta.url).pathname;
// Chunks are named by content hash: without this, each build would leave the last one's behind.
rmSync(out, { recursive: true, force: true });

await build({
  absWorkingDir: new URL("..", import.meta.url).pathname,
  entryPoints: [
    { in: "src/cli/main.ts", out: "main" },
    // Named as the sandbox thread's source asks for its worker: new URL("./worker-entry.mjs", import.meta.url).
    { in: "src/sandbox/worker.ts", out: "worker-entry" },
    // The same for the SQLite log's checkpointer thread (store/database.ts).
    { in: "src/store/wal-checkpointer.ts", out: "wal-checkpointer-entry" },
  ],
  // dist/js/ sits as deep as src/api/, so paths built from import.meta.url (the studio's build) hold.
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  // Commands load the server only when they need it: `conflux --version` reads one small chunk.
  splitting: true,
  chunkNames: "chunk-[hash]",
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  plugins: [
    {
      // Packages stay in node_modules (native addons, wasm, worker files); only our own code is bundled.
      name: "external-packages",
      setup(esbuild) {
        esbuild.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith("@conflux/") ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
