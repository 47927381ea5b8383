// The WAL checkpointer thread starts here. Node 20 cannot load TypeScript by itself, and a worker
// does not get the loader of the test runner, so register tsx (already how the server runs).
import { register } from "tsx/esm/api";

register();
await import("./wal-checkpointer.ts");
