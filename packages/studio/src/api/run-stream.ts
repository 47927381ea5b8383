import type { RunStep, RunView } from "../editor/contract.ts";
import type { ConfluxApi } from "./conflux-api.ts";

export type RunStreamEvent =
  | { event: "run"; data: { runId: string; channelId: string; status: RunView["status"]; steps: RunStep[] } }
  | { event: "step"; data: RunStep }
  | { event: "end"; data: { runId: string; status: RunView["status"] } }
  | { event: "error"; data: { code: string; message: string } };

/** Splits text/event-stream chunks into events; keeps the unfinished tail for the next chunk. */
export class EventStreamParser {
  private buffer = "";

  push(chunk: string): RunStreamEvent[] {
    this.buffer += chunk.replaceAll("\r\n", "\n");
    const events: RunStreamEvent[] = [];
    let boundary = this.buffer.indexOf("\n\n");
    while (boundary >= 0) {
      const block = this.buffer.slice(0, boundary);
      this.buffer = this.buffer.slice(boundary + 2);
      let name = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length) events.push({ event: name, data: JSON.parse(data.join("\n")) } as RunStreamEvent);
      boundary = this.buffer.indexOf("\n\n");
    }
    return events;
  }
}

/** The run as the canvas shows it after one more event: steps are replaced by id as they move on. */
export function applyRunEvent(view: RunView | undefined, event: RunStreamEvent): RunView | undefined {
  switch (event.event) {
    case "run":
      return {
        runId: event.data.runId,
        channelId: event.data.channelId,
        status: event.data.status,
        steps: event.data.steps,
      };
    case "step": {
      if (!view) return view;
      const others = view.steps.filter((step) => step.stepId !== event.data.stepId);
      return { ...view, steps: [...others, event.data].sort((a, b) => a.startedAt - b.startedAt) };
    }
    case "end":
      return view ? { ...view, status: event.data.status } : view;
    case "error":
      return view;
  }
}

/**
 * Follows a run until it ends or `signal` aborts, calling `onView` after every event. Aborting is how
 * a page stops following (it left, or a newer run replaced this one): it ends the promise, not as an
 * error. What does reject is the stream failing.
 */
export async function followRun(
  api: ConfluxApi,
  appId: string,
  runId: string,
  onView: (view: RunView) => void,
  signal: AbortSignal,
): Promise<RunView | undefined> {
  let view: RunView | undefined;
  try {
    const response = await api.followRun(appId, runId, signal);
    const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
    if (!reader) throw new Error("the browser cannot read a streamed response");
    const parser = new EventStreamParser();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return view;
      for (const event of parser.push(value)) {
        if (event.event === "error") throw new Error(event.data.message);
        view = applyRunEvent(view, event);
        if (view) onView(view);
      }
    }
  } catch (error) {
    if (signal.aborted) return view;
    throw error;
  }
}
