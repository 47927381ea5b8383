import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { type ApiSession, signUp, useSuite, waitForRun } from "./harness.ts";

const suite = useSuite({ devices: { mqttPort: 0, socketPort: 0, maxFileBytes: 4_096 } });

async function putFile(session: ApiSession, path: string, content: Buffer | string, contentType: string) {
  return session.call("PUT", `/v1/files${path}`, content.toString(), { "content-type": contentType });
}

async function upload(session: ApiSession, url: string, body: Buffer, contentType: string) {
  const response = await fetch(`${url}`, {
    method: "PUT",
    headers: { ...session.headers, "content-type": contentType },
    body,
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** A PUT with the path exactly as given: fetch would resolve '..' segments before sending. */
function rawPut(session: ApiSession, url: string, path: string): Promise<{ status: number; body: any }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const put = request(
      { hostname, port, path, method: "PUT", headers: { ...session.headers, "content-type": "text/plain" } },
      (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    put.on("error", reject);
    put.end("x");
  });
}

async function runsOf(session: ApiSession, appId: string): Promise<any[]> {
  return (await session.call("GET", `/v1/apps/${appId}/runs`)).body.items;
}

describe("the file store", () => {
  it("keeps bytes and content type, overwrites the same path, lists by prefix and deletes", async () => {
    const { session, conflux } = suite;
    const image = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 3, 254, 255]);
    const created = await upload(session, `${conflux.url}/v1/files/cam1/a.jpg`, image, "image/jpeg");
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      path: "/cam1/a.jpg",
      contentType: "image/jpeg",
      size: 10,
      eventType: "created",
    });

    const read = await fetch(`${conflux.url}/v1/files/cam1/a.jpg`, { headers: session.headers });
    expect(read.headers.get("content-type")).toBe("image/jpeg");
    expect(read.headers.get("content-security-policy")).toBe("sandbox");
    expect(Buffer.from(await read.arrayBuffer())).toEqual(image);

    const again = await upload(
      session,
      `${conflux.url}/v1/files/cam1/a.jpg`,
      Buffer.from("{}"),
      "application/json",
    );
    expect(again.status).toBe(200);
    expect(again.body.eventType).toBe("updated");
    expect((await session.call("GET", "/v1/files/cam1/a.jpg")).body).toEqual({});

    await putFile(session, "/cam1/b.txt", "b", "text/plain");
    await putFile(session, "/cam2/c.txt", "c", "text/plain");
    const listed = await session.call("GET", "/v1/files/cam1/");
    expect(listed.body.items.map((file: { path: string }) => file.path)).toEqual([
      "/cam1/a.jpg",
      "/cam1/b.txt",
    ]);
    const first = await session.call("GET", "/v1/files/cam1/?limit=1");
    expect(first.body.nextCursor).toBe("/cam1/a.jpg");
    const page = await session.call(
      "GET",
      `/v1/files/cam1/?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(page.body.nextCursor).toBeNull();
    expect(page.body.items.map((file: { path: string }) => file.path)).toEqual(["/cam1/b.txt"]);

    expect((await session.call("DELETE", "/v1/files/cam1/b.txt")).status).toBe(204);
    expect((await session.call("GET", "/v1/files/cam1/b.txt")).status).toBe(404);
    expect((await session.call("DELETE", "/v1/files/cam1/b.txt")).status).toBe(404);
  });

  it("refuses a file over the size limit with 413 and keeps nothing", async () => {
    const { session } = suite;
    const response = await putFile(session, "/big.bin", "x".repeat(5_000), "application/octet-stream");
    expect(response.status).toBe(413);
    expect(response.body.code).toBe("payload_too_large");
    expect((await session.call("GET", "/v1/files/big.bin")).status).toBe(404);
  });

  it("refuses paths with '..', empty segments or more than 16 levels, saying why", async () => {
    const { session } = suite;
    const dotted = await rawPut(session, suite.conflux.url, "/v1/files/a/../b");
    expect(dotted.status).toBe(400);
    expect(dotted.body.message).toMatch(/'\.\.' segment/);
    expect((await putFile(session, "/a//b", "x", "text/plain")).status).toBe(400);
    const deep = await putFile(
      session,
      `/${Array.from({ length: 17 }, (_, i) => `l${i}`).join("/")}`,
      "x",
      "text/plain",
    );
    expect(deep.body.message).toMatch(/deeper than 16 levels/);
  });

  it("serves a signed URL without credentials until it expires, and nothing with a forged signature", async () => {
    const { session, conflux } = suite;
    await putFile(session, "/shared/s.txt", "signed content", "text/plain");
    const { body } = await session.call("GET", "/v1/file-urls/shared/s.txt");
    expect(body.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    const open = await fetch(body.url);
    expect(open.status).toBe(200);
    expect(await open.text()).toBe("signed content");

    const forged = body.url.replace(/signature=[^&]+/, "signature=AAAA");
    expect((await fetch(forged)).status).toBe(404);
    const otherPath = body.url.replace("/shared/s.txt", "/shared/t.txt");
    expect((await fetch(otherPath)).status).toBe(404);
    const expired = conflux.services.devices.files
      .forOperator(session.operatorId)
      .signedUrl("/shared/s.txt", -1);
    expect((await fetch(expired)).status).toBe(404);
  });

  it("another operator sees none of the files, by path, by listing or by a rewritten signed URL", async () => {
    const { session, conflux } = suite;
    await putFile(session, "/private/p.txt", "mine", "text/plain");
    const other = await signUp(conflux.url);
    expect((await other.call("GET", "/v1/files/private/p.txt")).status).toBe(404);
    expect((await other.call("GET", "/v1/files/private/")).body.items).toEqual([]);
    expect((await other.call("DELETE", "/v1/files/private/p.txt")).status).toBe(404);
    expect((await other.call("GET", "/v1/file-urls/private/p.txt")).status).toBe(404);
    await putFile(other, "/private/p.txt", "theirs", "text/plain");
    const theirs = (await other.call("GET", "/v1/file-urls/private/p.txt")).body.url as string;
    const rewritten = theirs.replace(other.operatorId, session.operatorId);
    expect((await fetch(rewritten)).status).toBe(404);
    expect((await session.call("GET", "/v1/files/private/p.txt")).text).toBe("mine");
  });
});

describe("the file event source", () => {
  it("starts a run per created, updated and deleted file under its prefix, with the payload and context of apps.md", async () => {
    const { session } = suite;
    const { body: app } = await session.call("POST", "/v1/apps", {
      name: "camera uploads",
      channels: [
        { channelId: "uploads", eventSource: { type: "file", config: { pathPrefix: "/events/cam/" } } },
      ],
      actions: [{ actionId: "copy", channelId: "uploads", type: "republish", config: {} }],
    });
    await putFile(session, "/events/other/x.txt", "not watched", "text/plain");
    await putFile(session, "/events/cam/1.jpg", "one", "image/jpeg");
    await putFile(session, "/events/cam/1.jpg", "two", "image/jpeg");
    await session.call("DELETE", "/v1/files/events/cam/1.jpg");

    const runs = (await runsOf(session, app.appId)).reverse();
    expect(runs).toHaveLength(3);
    const details = await Promise.all(runs.map((run) => waitForRun(session, app.appId, run.runId)));
    const triggers = details.map((detail) => detail.messages[0]);
    expect(triggers.map((message) => message.payload.eventType)).toEqual(["created", "updated", "deleted"]);
    const [created, , deleted] = triggers;
    expect(created.payload).toMatchObject({ path: "/events/cam/1.jpg", contentType: "image/jpeg" });
    expect(created.context).toEqual({ eventType: "harvest_files", configurationId: `${app.appId}:uploads` });
    expect(deleted.payload.presignedUrls).toBeUndefined();
    // The URL in the event is a working signed link (to the latest content, deleted by now).
    const link = await fetch(triggers[1].payload.presignedUrls.get);
    expect(link.status).toBe(404);
  });

  it("a source limited to 'deleted' ignores uploads, and a disabled source publishes nothing", async () => {
    const { session } = suite;
    const { body: app } = await session.call("POST", "/v1/apps", {
      name: "deletions",
      channels: [
        {
          channelId: "gone",
          eventSource: { type: "file", config: { pathPrefix: "/del/", eventTypes: ["deleted"] } },
        },
        { channelId: "off", eventSource: { type: "file", enabled: false, config: { pathPrefix: "/del/" } } },
      ],
      actions: [
        { actionId: "a", channelId: "gone", type: "republish", config: {} },
        { actionId: "b", channelId: "off", type: "republish", config: {} },
      ],
    });
    await putFile(session, "/del/x.txt", "x", "text/plain");
    expect(await runsOf(session, app.appId)).toHaveLength(0);
    await session.call("DELETE", "/v1/files/del/x.txt");
    const runs = await runsOf(session, app.appId);
    expect(runs.map((run) => run.channelId)).toEqual(["gone"]);
  });
});
