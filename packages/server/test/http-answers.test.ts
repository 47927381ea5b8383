import { request } from "undici";
import { describe, expect, it } from "vitest";
import { useSuite } from "./harness.ts";

const suite = useSuite();

/** A raw request: undici's `request` neither asks for nor undoes compression by itself. */
async function raw(method: "GET" | "POST", path: string, headers: Record<string, string>, body?: string) {
  const answer = await request(`${suite.conflux.url}${path}`, {
    method,
    headers: { ...suite.session.headers, ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const bytes = Buffer.from(await answer.body.arrayBuffer());
  return { status: answer.statusCode, headers: answer.headers, bytes };
}

describe("HTTP answers", () => {
  it("compresses large JSON for a client that accepts it, and leaves small answers alone", async () => {
    const apps = Array.from({ length: 6 }, (_, index) => ({
      name: `compressed ${index} ${"x".repeat(200)}`,
      channels: [{ channelId: "in", name: "In" }],
      actions: [],
    }));
    for (const app of apps) expect((await suite.session.call("POST", "/v1/apps", app)).status).toBe(201);

    const brotli = await raw("GET", "/v1/apps", { "accept-encoding": "br, gzip" });
    expect(brotli.status).toBe(200);
    expect(brotli.headers["content-encoding"]).toBe("br");
    const { brotliDecompressSync } = await import("node:zlib");
    const listed = JSON.parse(brotliDecompressSync(brotli.bytes).toString("utf8"));
    expect(listed.items).toHaveLength(apps.length);
    expect(brotli.bytes.length).toBeLessThan(JSON.stringify(listed).length / 3);

    const gzip = await raw("GET", "/v1/apps", { "accept-encoding": "gzip" });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    const plain = await raw("GET", "/v1/apps", {});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(plain.bytes.toString("utf8")).items).toHaveLength(apps.length);

    const small = await raw("GET", "/healthz", { "accept-encoding": "br, gzip" });
    expect(small.headers["content-encoding"]).toBeUndefined();
  });

  it("answers 415 naming the content types a route accepts", async () => {
    const xml = await suite.session.call("POST", "/v1/device_groups", "<group/>", {
      "content-type": "text/xml",
    });
    expect(xml.status).toBe(415);
    expect(xml.body).toEqual({
      code: "unsupported_media_type",
      message: "content type 'text/xml' is not accepted here: send application/json",
    });
    const imported = await suite.session.call("POST", "/v1/apps/import", "<app/>", {
      "content-type": "application/xml; charset=utf-8",
    });
    expect(imported.status).toBe(415);
    expect(imported.body.message).toBe(
      "content type 'application/xml' is not accepted here: send application/json or application/yaml or text/yaml or application/x-yaml",
    );
  });

  it("answers 415 to a body without a content type, saying what to send", async () => {
    const untyped = await raw("POST", "/v1/device_groups", {}, '{"name":"g"}');
    expect(untyped.status).toBe(415);
    expect(JSON.parse(untyped.bytes.toString("utf8"))).toEqual({
      code: "unsupported_media_type",
      message: "the body has no content type: send application/json",
    });
  });

  it("names every problem of a part in one answer", async () => {
    const { status, body } = await suite.session.call("POST", "/v1/apps/import?dryRun=maybe&mode=merge", {
      name: "x",
    });
    expect(status).toBe(400);
    expect(body.code).toBe("validation_failed");
    expect(body.details).toEqual([
      expect.objectContaining({ in: "querystring", path: "dryRun" }),
      expect.objectContaining({ in: "querystring", path: "mode" }),
    ]);
    expect(body.message).toMatch(/^querystring dryRun: .+; querystring mode: .+$/);
  });

  it("names the problems of the parts checked after the first that failed", async () => {
    const { status, body } = await suite.session.call(
      "POST",
      "/v1/devices/NO-DEVICE/commands?ttlSeconds=0",
      "on",
      {
        "idempotency-key": "",
      },
    );
    expect(status).toBe(400);
    expect(body.details).toEqual([
      expect.objectContaining({ in: "querystring", path: "ttlSeconds" }),
      expect.objectContaining({ in: "headers", path: "idempotency-key" }),
    ]);
    expect(body.message).toMatch(/^querystring ttlSeconds: .+; headers idempotency-key: .+$/);
  });
});
