#!/usr/bin/env node
// Runs the CLI as compiled by scripts/build.mjs (`npm ci` builds it; so does `npm start`).
import { existsSync } from "node:fs";

const main = new URL("../dist/js/main.mjs", import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("conflux: not built yet; run `npm run build -w @conflux/server` (npm ci does it)\n");
  process.exit(1);
}
await import(main.href);
