import { Writable } from "node:stream";

/** A log destination that keeps every line written to it, so a suite can search what the server logged. */
export function captureLog(): { lines: string[]; destination: Writable } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return { lines, destination };
}
