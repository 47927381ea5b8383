// Draws the folder-level module graph of packages/server/src, grouped by floor, into the package
// README (between the floors markers), from what dependency-cruiser finds. `npm run floors:graph`.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const repo = path.resolve(import.meta.dirname, "../../..");
const require = createRequire(import.meta.url);
const config = require(path.join(repo, ".dependency-cruiser.cjs"));
const readme = path.join(repo, "packages/server/README.md");
const server = "packages/server/src/";

// The floors as the rules define them: `<floor>-imports-only-downward` names its floor's paths; the rest is the root.
const floors = config.forbidden
  .filter((rule) => rule.name.endsWith("-imports-only-downward"))
  .map((rule) => ({
    name: rule.name.replace("-imports-only-downward", ""),
    paths: rule.from.path.map((p) => new RegExp(p)),
  }));
const floorOf = (file) =>
  file.startsWith("packages/core/")
    ? "core"
    : (floors.find((f) => f.paths.some((p) => p.test(file)))?.name ?? "root");

/** A folder of src (runtime's actions and ports apart), a top-level file, or core. */
function nodeOf(file) {
  if (file.startsWith("packages/core/")) return "core";
  const parts = file.slice(server.length).split("/");
  if (parts.length === 1) return parts[0];
  if (parts[0] === "runtime" && parts.length > 2) return `runtime/${parts[1]}`;
  return parts[0];
}

/** A file's directory; a file directly in src is its own (conflux.ts is the root, errors.ts the kernel). */
const folderOf = (file) => (path.dirname(file) === server.slice(0, -1) ? file : path.dirname(file));

const cruised = JSON.parse(
  execFileSync(
    path.join(repo, "node_modules/.bin/depcruise"),
    [
      "packages/server/src",
      "--config",
      ".dependency-cruiser.cjs",
      "--exclude",
      "\\.test\\.ts$",
      "--output-type",
      "json",
    ],
    { cwd: repo, maxBuffer: 64 * 1024 * 1024 },
  ),
);
const nodes = new Map();
const edges = new Set();
/** Imports between directories (every folder, subfolders included), to find any two importing each other. */
const folderEdges = new Set();
for (const module of cruised.modules) {
  if (!module.source.startsWith(server)) continue;
  const from = nodeOf(module.source);
  nodes.set(from, floorOf(module.source));
  for (const dependency of module.dependencies) {
    const target = dependency.resolved;
    if (!target.startsWith(server) && !target.startsWith("packages/core/")) continue;
    const to = nodeOf(target);
    nodes.set(to, floorOf(target));
    if (to !== from) edges.add(`${from}|${to}`);
    const [fromDir, toDir] = [folderOf(module.source), folderOf(target)];
    if (target.startsWith(server) && fromDir !== toDir) folderEdges.add(`${fromDir}|${toDir}`);
  }
}

// Folders importing each other (the issue counted 16 such pairs before the floors): must stay 0.
const mutual = [...folderEdges].filter((edge) => {
  const [from, to] = edge.split("|");
  return from < to && folderEdges.has(`${to}|${from}`);
});
if (mutual.length) console.error(`folders importing each other: ${mutual.join(", ")}`);

const id = (node) => node.replace(/[^A-Za-z0-9]/g, "_");
const order = ["root", ...floors.map((f) => f.name).reverse(), "core"];
const floorNumber = (floor) => order.length - 1 - order.indexOf(floor);
const lines = ["```mermaid", "flowchart TB"];
for (const floor of order) {
  const members = [...nodes]
    .filter(([, f]) => f === floor)
    .map(([node]) => node)
    .sort();
  lines.push(`  subgraph floor_${floor}["${floorNumber(floor)} ${floor}"]`);
  for (const node of members) lines.push(`    ${id(node)}["${node}"]`);
  lines.push("  end");
}
for (const edge of [...edges].sort()) {
  const [from, to] = edge.split("|");
  lines.push(`  ${id(from)} --> ${id(to)}`);
}
lines.push("```");

const text = readFileSync(readme, "utf8");
const start = "<!-- floors:start (npm run floors:graph) -->";
const end = "<!-- floors:end -->";
const before = text.slice(0, text.indexOf(start) + start.length);
const after = text.slice(text.indexOf(end));
if (!text.includes(start) || !text.includes(end)) throw new Error(`${readme} has no floors markers`);
writeFileSync(readme, `${before}\n${lines.join("\n")}\n${after}`);
console.log(
  `${nodes.size} folders drawn, ${edges.size} arrows; ${folderEdges.size} imports between directories of src, ${mutual.length} pairs importing each other`,
);
if (mutual.length) process.exitCode = 1;
