import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestConflux } from "./harness.ts";

/** A stand-in build with the shape Vite leaves: index.html and hashed assets. */
function fakeStudioBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "conflux-studio-"));
  mkdirSync(path.join(dir, "assets"));
  writeFileSync(
    path.join(dir, "index.html"),
    '<!doctype html><script type="module" src="/assets/a1.js"></script>',
  );
  writeFileSync(path.join(dir, "assets", "a1.js"), "console.log('studio')");
  writeFileSync(
    path.join(dir, "assets", "big.js"),
    `export const words = ${JSON.stringify("studio ".repeat(4000))};`,
  );
  return dir;
}

describe("conflux serve with a studio build", () => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  const studioDir = fakeStudioBuild();
  beforeAll(async () => {
    conflux = await startTestConflux({ studioDir });
  });
  afterAll(async () => {
    await conflux?.cleanUp();
    rmSync(studioDir, { recursive: true, force: true });
  });

  it("serves index.html at / and at the studio's own paths, under a strict CSP", async () => {
    const studioPaths = ["/", "/apps/01ABC/history", "/credentials?x=1"];
    // The paths accounts/account-mail.ts puts in account mails.
    const mailedLinks = ["/reset-password", "/reset-password?token=a%2Bb", "/verify-email?token=t"];
    for (const url of [...studioPaths, ...mailedLinks]) {
      const response = await fetch(`${conflux.url}${url}`);
      expect(response.status, url).toBe(200);
      expect(await response.text()).toContain("/assets/a1.js");
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("cache-control")).toBe("no-cache");
    }
  });

  it("serves hashed assets for a year, and 404s a missing one instead of index.html", async () => {
    const asset = await fetch(`${conflux.url}/assets/a1.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toContain("javascript");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${conflux.url}/assets/gone.js`)).status).toBe(404);
  });

  it("sends static files compressed to a browser that accepts br or gzip", async () => {
    for (const encoding of ["br", "gzip"]) {
      const answer = await request(`${conflux.url}/assets/big.js`, {
        headers: { "accept-encoding": encoding },
      });
      expect(answer.statusCode).toBe(200);
      expect(answer.headers["content-encoding"]).toBe(encoding);
      const bytes = Buffer.from(await answer.body.arrayBuffer());
      const text = (encoding === "br" ? brotliDecompressSync(bytes) : gunzipSync(bytes)).toString("utf8");
      expect(text).toContain("studio studio");
      expect(bytes.length).toBeLessThan(text.length / 10);
    }
  });

  it("keeps the API's JSON 404 for unknown /v1 paths, with the security headers", async () => {
    const response = await fetch(`${conflux.url}/v1/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: "not_found", message: "no route GET /v1/nothing-here" });
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await fetch(`${conflux.url}/healthz`)).status).toBe(200);
  });
});

describe("conflux serve without a studio build", () => {
  it("runs the API alone and says so in the log", async () => {
    const lines: string[] = [];
    const conflux = await startTestConflux(
      { studioDir: path.join(tmpdir(), "no-such-studio-build"), logLevel: "warn" },
      { write: (line: string) => lines.push(line) },
    );
    try {
      expect((await fetch(`${conflux.url}/`)).status).toBe(404);
      expect((await fetch(`${conflux.url}/healthz`)).status).toBe(200);
      expect(lines.join("")).toContain("the studio is not built, serving the API only");
    } finally {
      await conflux.cleanUp();
    }
  });
});
