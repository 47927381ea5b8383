import { createServer, type Server } from "node:http";

/** Largest body printed whole; a longer one is cut, so one big upload does not flood the terminal. */
const maxPrintedBytes = 4_096;

/**
 * `conflux receive`: a local HTTP receiver that prints each request it gets and answers 200, to try a
 * webhook action (or a device's HTTP endpoint stand-in) without an outside service. Resolves once it
 * listens, with the server (the CLI runs it until Ctrl+C; a test closes it).
 */
export async function receive(
  options: { port: number; host: string },
  print: (text: string) => void,
): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxPrintedBytes) chunks.push(chunk);
    });
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const cut = size > maxPrintedBytes ? ` … (${size} bytes in all)` : "";
      const type = request.headers["content-type"] ?? "no content type";
      print(`${new Date().toISOString()} ${request.method} ${request.url} (${type})\n${body}${cut}\n`);
      response.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  print(
    `listening on http://${options.host}:${port}/ (every request is printed and answered 200; Ctrl+C stops)\n`,
  );
  return server;
}
