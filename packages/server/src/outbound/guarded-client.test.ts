import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockedAddressReason } from "./address-policy.ts";
import { createGuardedClient, OutboundError, type OutboundResponse } from "./guarded-client.ts";

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

const received: Received[] = [];
let server: Server;
let base: string;
let port: number;

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  received.push({
    method: request.method ?? "",
    url: request.url ?? "",
    headers: request.headers,
    body: Buffer.concat(chunks),
  });
  switch (request.url) {
    case "/slow":
      return; // never answers
    case "/slow-body":
      response.writeHead(200, { "content-type": "text/plain" });
      response.write("first part");
      return; // never ends
    case "/megabyte":
      response.writeHead(200, { "content-type": "application/octet-stream" });
      response.end(Buffer.alloc(1024 * 1024, "x"));
      return;
    case "/endless": {
      response.writeHead(200, { "content-type": "text/plain" });
      const chunk = Buffer.alloc(64 * 1024, "y");
      const pump = (): void => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once("drain", pump);
      };
      pump();
      return;
    }
    case "/redirect":
      response.writeHead(302, { location: "/redirect-target" });
      response.end();
      return;
    default:
      response.writeHead(200, {
        "content-type": "application/json",
        "x-answer": "42",
        "set-cookie": ["a=1", "b=2"],
      });
      response.end(JSON.stringify({ ok: true }));
  }
}

beforeAll(async () => {
  server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function sendFailure(promise: Promise<OutboundResponse>): Promise<OutboundError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof OutboundError)) throw new Error(`expected an OutboundError, got ${String(error)}`);
  return error;
}

describe("the guarded client with private addresses allowed", () => {
  const client = createGuardedClient({ allowPrivateAddresses: true });
  afterAll(() => client.close());

  it("delivers the method, headers and body intact and returns the answer", async () => {
    const body = new Uint8Array([0, 1, 2, 250, 255]);
    const response = await client.send({
      method: "PUT",
      url: `${base}/echo?device=7`,
      headers: {
        "content-type": "application/octet-stream",
        "x-token": "secret-value",
        "idempotency-key": "e1:a1",
      },
      body,
    });
    expect(response).toMatchObject({ status: 200, truncated: false });
    expect(JSON.parse(response.body.toString("utf8"))).toEqual({ ok: true });
    expect(response.headers["x-answer"]).toBe("42");
    expect(response.headers["set-cookie"]).toBe("a=1, b=2");
    const request = received.find((entry) => entry.url === "/echo?device=7");
    expect(request?.method).toBe("PUT");
    expect(request?.headers["x-token"]).toBe("secret-value");
    expect(request?.headers["idempotency-key"]).toBe("e1:a1");
    expect(request?.body).toEqual(Buffer.from(body));
  });

  it("sends a string body as UTF-8", async () => {
    await client.send({ method: "POST", url: `${base}/text`, body: "température ✓" });
    expect(received.find((entry) => entry.url === "/text")?.body.toString("utf8")).toBe("température ✓");
  });

  it("returns a redirect as it is, without following it", async () => {
    const response = await client.send({ method: "GET", url: `${base}/redirect` });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe("/redirect-target");
    expect(received.some((entry) => entry.url === "/redirect-target")).toBe(false);
  });

  it("cuts a 1 MB answer at maxResponseBytes", async () => {
    const response = await client.send({ method: "GET", url: `${base}/megabyte`, maxResponseBytes: 1_000 });
    expect(response.body).toHaveLength(1_000);
    expect(response.truncated).toBe(true);
  });

  it("cuts at the default of 8,192 bytes", async () => {
    const response = await client.send({ method: "GET", url: `${base}/megabyte` });
    expect(response.body).toHaveLength(8_192);
    expect(response.truncated).toBe(true);
  });

  it("stops reading an answer that never ends instead of buffering it", async () => {
    const response = await client.send({
      method: "GET",
      url: `${base}/endless`,
      maxResponseBytes: 100_000,
      timeoutMs: 5_000,
    });
    expect(response.body).toHaveLength(100_000);
    expect(response.truncated).toBe(true);
  });

  it("gives up on a server that does not answer in time, as a transient error", async () => {
    const started = Date.now();
    const error = await sendFailure(client.send({ method: "GET", url: `${base}/slow`, timeoutMs: 200 }));
    expect(error).toMatchObject({ code: "outbound_timeout", transient: true });
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("takes a time limit that is not a whole number of milliseconds, such as a share of a budget", async () => {
    const response = await client.send({ method: "GET", url: `${base}/megabyte`, timeoutMs: 749.5 });
    expect(response.status).toBe(200);
    const error = await sendFailure(client.send({ method: "GET", url: `${base}/slow`, timeoutMs: 199.5 }));
    expect(error).toMatchObject({ code: "outbound_timeout", transient: true });
  });

  it("counts the time spent reading the body against the time limit", async () => {
    const error = await sendFailure(client.send({ method: "GET", url: `${base}/slow-body`, timeoutMs: 200 }));
    expect(error).toMatchObject({ code: "outbound_timeout", transient: true });
  });

  it("reports a refused connection as a transient network error", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await sendFailure(client.send({ method: "GET", url: `http://127.0.0.1:${closedPort}/` }));
    expect(error).toMatchObject({ code: "outbound_network", transient: true });
  });

  it("reports a name that does not resolve as a transient network error", async () => {
    const error = await sendFailure(client.send({ method: "GET", url: "http://nothing-here.invalid/" }));
    expect(error).toMatchObject({ code: "outbound_network", transient: true });
    expect(error.message).toContain("nothing-here.invalid");
  });

  it("refuses a header that would break the request, as an error not worth retrying", async () => {
    const error = await sendFailure(
      client.send({ method: "GET", url: `${base}/`, headers: { "x-bad": "a\r\nb" } }),
    );
    expect(error).toMatchObject({ code: "outbound_network", transient: false });
    expect(error.message).toContain("x-bad");
  });

  it.each([
    ["not a URL at all", "not a url"],
    ["an ftp: URL", "ftp://example.com/file"],
    ["a file: URL", "file:///etc/passwd"],
    ["a URL with credentials in it", "http://user:password@example.com/"],
  ])("refuses %s as an invalid URL", async (_name, url) => {
    const error = await sendFailure(client.send({ method: "GET", url }));
    expect(error).toMatchObject({ code: "outbound_invalid_url", transient: false });
    expect(error.message).not.toContain("password");
  });
});

describe("the guarded client with private addresses blocked", () => {
  const client = createGuardedClient({ allowPrivateAddresses: false });
  afterAll(() => client.close());

  it.each([
    ["an IPv4 loopback literal", () => `http://127.0.0.1:${port}/blocked`, "127.0.0.1"],
    ["localhost, through DNS", () => `http://localhost:${port}/blocked`, "localhost"],
    ["an IPv6 loopback literal", () => `http://[::1]:${port}/blocked`, "[::1]"],
    ["a hexadecimal IPv4 literal", () => `http://0x7f000001:${port}/blocked`, "127.0.0.1"],
    ["a single-number IPv4 literal", () => `http://2130706433:${port}/blocked`, "127.0.0.1"],
    ["an IPv4-mapped IPv6 literal", () => `http://[::ffff:127.0.0.1]:${port}/blocked`, "[::ffff:7f00:1]"],
    ["the cloud metadata address", () => "http://169.254.169.254/latest/meta-data/", "169.254.169.254"],
    ["a private network address", () => "http://10.1.2.3/", "10.1.2.3"],
  ])("refuses %s, naming the host and the reason", async (_name, url, host) => {
    const error = await sendFailure(client.send({ method: "POST", url: url(), body: "secret-body" }));
    expect(error).toMatchObject({ code: "outbound_blocked", transient: false });
    expect(error.message).toContain(host);
    expect(error.message).toMatch(/loopback|link-local|private/);
    expect(error.message).not.toContain("/blocked");
    expect(received.some((entry) => entry.url === "/blocked")).toBe(false);
  });

  it("still refuses non-http URLs as invalid", async () => {
    const error = await sendFailure(client.send({ method: "GET", url: "gopher://127.0.0.1/" }));
    expect(error.code).toBe("outbound_invalid_url");
  });
});

describe("the address policy", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.5.4", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["0.0.0.0", "unspecified"],
    ["255.255.255.255", "broadcast"],
    ["224.0.0.1", "multicast"],
    ["240.0.0.1", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
    ["::ffff:10.0.0.1", "IPv4-mapped private"],
    ["::7f00:1", "IPv4-compatible"],
    ["fd00::1", "unique-local"],
    ["fe80::1", "link-local"],
    ["ff02::1", "multicast"],
    ["64:ff9b::7f00:1", "NAT64"],
    ["2002:7f00:1::", "6to4"],
  ])("blocks %s as %s", (address, reason) => {
    expect(blockedAddressReason(address)).toContain(reason);
  });

  it.each(["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "2606:4700:4700::1111", "::ffff:8.8.8.8"])(
    "allows the public unicast address %s",
    (address) => {
      expect(blockedAddressReason(address)).toBeUndefined();
    },
  );

  it("blocks what is not an IP address", () => {
    expect(blockedAddressReason("example.com")).toBe("not a valid IP address");
  });
});
