// The sandbox worker thread starts here. Node 20 cannot load TypeScript by itself, and a worker
// does not get the loader of the test runner, so register tsx (already how the server runs).
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
