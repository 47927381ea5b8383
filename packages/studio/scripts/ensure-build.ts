import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Builds the studio when its build is missing or older than its sources, so `npm start` works on a
 * fresh clone and stays quick after. The browser test calls it too before serving the build.
 */

const studioDir = fileURLToPath(new URL("..", import.meta.url));
export const studioBuildDir = path.join(studioDir, "dist");
const sources = [
  path.join(studioDir, "src"),
  path.join(studioDir, "public"),
  path.join(studioDir, "index.html"),
  path.join(studioDir, "vite.config.ts"),
  path.join(studioDir, "package.json"),
  path.join(studioDir, "..", "core", "src"),
];

function newestChange(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestChange(path.join(target, entry)));
  return newest;
}

function studioBuildIsStale(): boolean {
  const built = path.join(studioBuildDir, "index.html");
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return sources.some((source) => newestChange(source) > builtAt);
}

/** Runs `vite build` in the studio package; resolves with "built", or "fresh" when nothing changed. */
export async function ensureStudioBuild(
  output: "inherit" | "ignore" = "inherit",
): Promise<"built" | "fresh"> {
  if (!studioBuildIsStale()) return "fresh";
  const vite = path.join(
    path.dirname(createRequire(import.meta.url).resolve("vite/package.json")),
    "bin",
    "vite.js",
  );
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, "build", "--logLevel", "warn"], {
      cwd: studioDir,
      stdio: output,
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}`)),
    );
  });
  return "built";
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outcome = await ensureStudioBuild();
  process.stdout.write(outcome === "built" ? "studio built\n" : "studio build is up to date\n");
}
