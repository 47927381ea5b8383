/**
 * The bytes a TCP connection has sent and not yet decoded. Each chunk is copied once into room that
 * doubles as it fills: concatenating everything buffered at every chunk made a frame sent one byte
 * per segment cost time quadratic in its length (64 KiB, one byte at a time: 2 GB copied).
 *
 * Frames decoded from `bytes` may still be read later (their payload is a view into it): appended
 * bytes never overwrite a region handed out, because writing continues after it or in new room.
 */
export class FrameBuffer {
  private storage = Buffer.alloc(0);
  private start = 0;
  private end = 0;

  append(chunk: Buffer): void {
    if (this.end + chunk.length > this.storage.length) {
      const kept = this.end - this.start;
      const grown = Buffer.allocUnsafe(Math.max(2 * (kept + chunk.length), 4_096));
      this.storage.copy(grown, 0, this.start, this.end);
      this.storage = grown;
      this.start = 0;
      this.end = kept;
    }
    chunk.copy(this.storage, this.end);
    this.end += chunk.length;
  }

  /** The bytes not yet consumed. */
  get bytes(): Buffer {
    return this.storage.subarray(this.start, this.end);
  }

  consume(count: number): void {
    this.start += count;
  }
}
