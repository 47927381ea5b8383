/**
 * Self time of a `node --cpu-prof` profile by function and by file, the top BENCH_TOP (25) of each.
 *
 *   npx tsx profile-summary.ts <file.cpuprofile>
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
const profile = JSON.parse(readFileSync(process.argv[2] as string, "utf8")) as {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
};
const top = Number(process.env.BENCH_TOP ?? 25);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const node = byId.get(id);
  const micros = profile.timeDeltas[index] ?? 0;
  if (!node) return;
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*node_modules\//, "npm:").replace(/^.*\/packages\//, "");
  if (functionName === "(idle)") return;
  total += micros;
  const name = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  const fileKey = file || functionName;
  byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + micros);
});
const print = (title: string, entries: Map<string, number>) => {
  console.log(`\n${title} (self time, ${(total / 1000).toFixed(0)} ms busy)`);
  for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${((100 * micros) / total).toFixed(1).padStart(5)} %  ${name}`);
};
print("functions", byFunction);
print("files", byFile);

// BENCH_CALLERS=name: the call paths (BENCH_DEPTH frames) under which that function spends its self time.
const callers = process.env.BENCH_CALLERS;
if (callers) {
  const parent = new Map<number, number>();
  for (const node of profile.nodes as Array<ProfileNode & { children?: number[] }>)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const paths = new Map<string, number>();
  let sum = 0;
  profile.samples.forEach((id, index) => {
    if (byId.get(id)?.callFrame.functionName !== callers) return;
    const frames: string[] = [];
    let at = parent.get(id);
    while (at !== undefined && frames.length < Number(process.env.BENCH_DEPTH ?? 4)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && (!process.env.BENCH_OWN || frame.url.includes("/src/")))
        frames.push(`${frame.functionName || "(anonymous)"}@${frame.url.split("/").at(-1)}`);
      at = parent.get(at);
    }
    const micros = profile.timeDeltas[index] ?? 0;
    sum += micros;
    paths.set(frames.join(" < "), (paths.get(frames.join(" < ")) ?? 0) + micros);
  });
  console.log(`\ncallers of ${callers} (${(sum / 1000).toFixed(0)} ms)`);
  for (const [name, micros] of [...paths].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${((100 * micros) / sum).toFixed(1).padStart(5)} %  ${name}`);
}

// BENCH_INCLUSIVE=1: total time (self and below) of this project's functions.
if (process.env.BENCH_INCLUSIVE) {
  const parent = new Map<number, number>();
  for (const node of profile.nodes as Array<ProfileNode & { children?: number[] }>)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame?.url.includes("/src/")) continue;
      seen.add(`${frame.functionName || "(anonymous)"} ${frame.url.replace(/^.*\/packages\//, "")}`);
    }
    for (const name of seen)
      inclusive.set(name, (inclusive.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  print("inclusive, this project's functions", inclusive);
}
