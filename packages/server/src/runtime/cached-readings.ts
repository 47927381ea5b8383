/**
 * Readings kept for `freshMs` per key, for checks that run on every event (the source door): within that
 * time a reading is served from memory; after it, the old reading is served while a new one is read in
 * the background (one at a time per key), so only the first event of a key ever waits for the database.
 * A failed refresh keeps the old reading for another `freshMs`, so an outage does not cost a read an event.
 */
export class CachedReadings<Value> {
  private readonly readings = new Map<string, { value: Value; readAt: number; refreshing: boolean }>();
  private readonly firstReads = new Map<string, Promise<Value>>();

  constructor(
    private readonly read: (key: string) => Promise<Value>,
    private readonly freshMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  async get(key: string, now = Date.now()): Promise<Value> {
    const reading = this.readings.get(key);
    if (!reading) return this.readFirst(key, now);
    if (now - reading.readAt > this.freshMs && !reading.refreshing) {
      reading.refreshing = true;
      this.read(key).then(
        (value) => this.readings.set(key, { value, readAt: now, refreshing: false }),
        () => {
          reading.refreshing = false;
          reading.readAt = now;
        },
      );
    }
    return reading.value;
  }

  private readFirst(key: string, now: number): Promise<Value> {
    const pending = this.firstReads.get(key);
    if (pending) return pending;
    const reading = this.read(key).then((value) => {
      if (this.readings.size >= this.maxKeys) this.readings.clear();
      this.readings.set(key, { value, readAt: now, refreshing: false });
      return value;
    });
    const settled = reading.finally(() => this.firstReads.delete(key));
    this.firstReads.set(key, settled);
    return settled;
  }
}
