/**
 * The thread that checkpoints the SQLite database's write-ahead log: copies committed pages into the
 * database file so the log can start over. SQLite does this itself in the connection that commits,
 * which is the event loop's; done here, on a connection of its own, it costs the event loop nothing.
 * A PASSIVE checkpoint never waits for the writer nor holds it up.
 */
import { parentPort, workerData } from "node:worker_threads";
import SqliteDatabase from "better-sqlite3";

export interface CheckpointerOptions {
  file: string;
  intervalMs: number;
}

const { file, intervalMs } = workerData as CheckpointerOptions;
const sqlite = new SqliteDatabase(file);
const timer = setInterval(() => {
  try {
    sqlite.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // Busy (another checkpoint under way): the next tick tries again.
  }
}, intervalMs);

parentPort?.on("message", (message: "stop") => {
  if (message !== "stop") return;
  clearInterval(timer);
  sqlite.close();
  parentPort?.close();
});
