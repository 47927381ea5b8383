import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { describe, expect, it, onTestFinished } from "vitest";
import { signUp, useSuite, waitForRun } from "./harness.ts";

const suite = useSuite({ devices: { mqttPort: 0, socketPort: 0, maxFileBytes: 4_096 } });

async function writeOnce(
  config: Record<string, unknown>,
  payload: unknown,
  extra: Record<string, unknown> = {},
) {
  const created = await suite.session.call("POST", "/v1/apps", {
    name: "writer",
    channels: [{ channelId: "in" }],
    actions: [{ actionId: "write", channelId: "in", type: "file-write", config, ...extra }],
  });
  expect(created.status, created.text).toBe(201);
  const sent = await suite.session.call(
    "POST",
    `/v1/apps/${created.body.appId}/channels/in/messages`,
    payload,
  );
  const run = await waitForRun(suite.session, created.body.appId, sent.body.executionId);
  return run.steps[0];
}

async function readFile(path: string) {
  const response = await fetch(`${suite.conflux.url}/v1/files${path}`, { headers: suite.session.headers });
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

describe("the file-write action", () => {
  it("writes the input as JSON to the rendered path, and the file starts its listeners one hop on", async () => {
    const { session } = suite;
    const { body: listener } = await session.call("POST", "/v1/apps", {
      name: "reports listener",
      channels: [{ channelId: "files", eventSource: { type: "file", config: { pathPrefix: "/reports/" } } }],
      actions: [{ actionId: "seen", channelId: "files", type: "republish", config: {} }],
    });
    const step = await writeOnce(
      { path: "/reports/${payload.device}/latest.json" },
      { device: "d-1", temp: 7 },
    );
    expect(step).toMatchObject({
      status: "completed",
      result: { path: "/reports/d-1/latest.json", size: 25, contentType: "application/json" },
    });
    const file = await readFile("/reports/d-1/latest.json");
    expect(file.contentType).toBe("application/json");
    expect(JSON.parse(file.bytes.toString())).toEqual({ device: "d-1", temp: 7 });

    const runs = (await session.call("GET", `/v1/apps/${listener.appId}/runs`)).body.items;
    expect(runs).toHaveLength(1);
    const started = await waitForRun(session, listener.appId, runs[0].runId);
    expect(started.messages[0]).toMatchObject({
      hop: 1,
      payload: { eventType: "created", path: "/reports/d-1/latest.json" },
    });
  });

  it("writes a rendered text template with its content type", async () => {
    const step = await writeOnce(
      {
        path: "/csv/${payload.site}.csv",
        content: { contentType: "text/csv", content: "site,temp\n${payload.site},${payload.temp}\n" },
      },
      { site: "osaka", temp: 8.25 },
    );
    expect(step).toMatchObject({ status: "completed", result: { path: "/csv/osaka.csv", size: 21 } });
    const file = await readFile("/csv/osaka.csv");
    expect(file.contentType).toBe("text/csv");
    expect(file.bytes.toString()).toBe("site,temp\nosaka,8.25\n");
  });

  it("copies an image's bytes from the file store", async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#00ff00" } })
      .png()
      .toBuffer();
    await fetch(`${suite.conflux.url}/v1/files/cam/shot.png`, {
      method: "PUT",
      headers: { ...suite.session.headers, "content-type": "image/png" },
      body: png,
    });
    const step = await writeOnce(
      { path: "/archive/${payload.name}", imageUrl: "${payload.image}" },
      {
        name: "shot.png",
        image: "/cam/shot.png",
      },
    );
    expect(step).toMatchObject({
      status: "completed",
      result: { path: "/archive/shot.png", size: png.length },
    });
    const copy = await readFile("/archive/shot.png");
    expect(copy.contentType).toBe("image/png");
    expect(copy.bytes.equals(png)).toBe(true);
  });

  it("retries an image URL that answers 503, then writes what it serves", async () => {
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: "#0000ff" } })
      .png()
      .toBuffer();
    // A camera that is not ready the first time (HttpSink answers text only; these are bytes).
    let tries = 0;
    const camera = createServer((_request, response) => {
      if (tries++ === 0) response.writeHead(503).end();
      else response.writeHead(200, { "content-type": "image/png" }).end(png);
    });
    await new Promise<void>((resolve) => camera.listen(0, "127.0.0.1", resolve));
    const cameraUrl = `http://127.0.0.1:${(camera.address() as AddressInfo).port}`;
    onTestFinished(() => void camera.close());
    const step = await writeOnce({ path: "/fetched.png", imageUrl: `${cameraUrl}/camera.png` }, {});
    expect(step).toMatchObject({ status: "completed", attempts: 2, result: { size: png.length } });
    expect((await readFile("/fetched.png")).bytes.equals(png)).toBe(true);
  });

  it("fails without retrying on a bad path or a file over the limit, and writes nothing", async () => {
    const badPath = await writeOnce({ path: "/a/../b.json" }, {});
    expect(badPath).toMatchObject({ status: "failed", attempts: 1, error: { code: "bad_request" } });
    expect(badPath.error.message).toMatch(/empty, '\.' or '\.\.' segment/);

    const tooLarge = await writeOnce({ path: "/big.json" }, { text: "x".repeat(5_000) });
    expect(tooLarge).toMatchObject({ status: "failed", attempts: 1, error: { code: "payload_too_large" } });
    expect((await readFile("/big.json")).status).toBe(404);
  });

  it("writes into its own operator's file store only", async () => {
    await writeOnce({ path: "/private/mine.json" }, { secret: 1 });
    const other = await signUp(suite.conflux.url);
    expect((await other.call("GET", "/v1/files/private/mine.json")).status).toBe(404);
    expect((await suite.session.call("GET", "/v1/files/private/mine.json")).body).toEqual({ secret: 1 });
  });

  it("ends a loop through files at the hop limit", async () => {
    const { session } = suite;
    const { body: app } = await session.call("POST", "/v1/apps", {
      name: "loop",
      channels: [{ channelId: "files", eventSource: { type: "file", config: { pathPrefix: "/loop/" } } }],
      actions: [
        { actionId: "again", channelId: "files", type: "file-write", config: { path: "/loop/x.json" } },
      ],
    });
    await session.call("PUT", "/v1/files/loop/x.json", {});
    const deadline = Date.now() + 60_000;
    let runs: any[] = [];
    for (;;) {
      runs = (await session.call("GET", `/v1/apps/${app.appId}/runs?limit=100`)).body.items;
      if (runs.length >= 65 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Upload at hop 0, then one run per hop up to 64; no 66th.
    await new Promise((resolve) => setTimeout(resolve, 500));
    runs = (await session.call("GET", `/v1/apps/${app.appId}/runs?limit=100`)).body.items;
    expect(runs).toHaveLength(65);
  });
});
