import { randomFillSync } from "node:crypto";
import { ulid } from "ulid";

/**
 * ulid's default source calls into crypto once for each of an id's 16 random characters; with a few ids
 * per event that was 8% of the engine's CPU under load. The same bytes from the same source, a pool at
 * a time.
 */
const pool = new Uint8Array(4096);
let next = pool.length;

function pooledRandom(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return (pool[next++] as number) / 256;
}

/** A new ULID: sortable by creation time, 80 random bits. */
export function newId(): string {
  return ulid(undefined, pooledRandom);
}
