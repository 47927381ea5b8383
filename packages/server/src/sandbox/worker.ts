import { parentPort } from "node:worker_threads";
import { newQuickJSWASMModule } from "quickjs-emscripten";
import { checkSyntax, evaluateUserCode, type Outcome, type SandboxLimits } from "./evaluate.ts";

/** The sandbox worker thread: loads QuickJS once, then answers one request at a time. */

export type WorkerRequest =
  | { kind: "run"; source: string; inputJson: string; limits: SandboxLimits }
  | { kind: "check"; source: string; limits: SandboxLimits };

/** The first message is "ready"; every request after that gets exactly one Outcome. */
export type WorkerMessage = "ready" | Outcome;

const port = parentPort;
if (!port) throw new Error("sandbox/worker.ts runs only as a worker thread");

const quickjs = await newQuickJSWASMModule();

port.on("message", (request: WorkerRequest) => {
  const outcome: WorkerMessage =
    request.kind === "run"
      ? evaluateUserCode(quickjs, request.source, request.inputJson, request.limits)
      : checkSyntax(quickjs, request.source, request.limits);
  port.postMessage(outcome);
});
port.postMessage("ready" satisfies WorkerMessage);
