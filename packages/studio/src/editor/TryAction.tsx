import type { JsonValue } from "@conflux/core";
import { useId, useState } from "react";
import { describeError } from "../api/client.ts";
import { Button } from "../ui/Button.tsx";
import type { TryActionType, TryOutcome } from "./contract.ts";

export interface TryActionProps {
  type: TryActionType;
  /** The action's settings as they are in the form, saved or not. */
  config: JsonValue;
  /** The test message; undefined while it is not valid JSON. */
  payload: JsonValue | undefined;
  onTry(type: TryActionType, config: JsonValue, payload: JsonValue): Promise<TryOutcome>;
}

/** What a person can do about the failures "Try it" meets most. */
const remedies: Record<string, string> = {
  quota_exceeded: "This month's AI credits are used up: raise the quota, or run the model on your own key.",
  rate_limited: "Too many AI requests this minute: wait a little and try again.",
  ai_provider_rate_limited: "The provider is busy: try again in a moment, or add a fallback model.",
  ai_provider_not_configured:
    "The service has no key for this model's provider: choose your own key in Credentials.",
  ai_unauthorized: "The provider refused the key: check the credentials.",
};

/** "Try it": runs an AI action's current settings once on the test message and shows what came back. */
export function TryAction(props: TryActionProps) {
  const id = useId();
  const [running, setRunning] = useState(false);
  const [outcome, setOutcome] = useState<TryOutcome>();

  const run = async () => {
    if (props.payload === undefined) return;
    setRunning(true);
    try {
      setOutcome(await props.onTry(props.type, props.config, props.payload));
    } catch (error) {
      setOutcome({
        ok: false,
        code: "try_failed",
        message: describeError(error),
      });
    } finally {
      setRunning(false);
    }
  };

  return (
    <section className="cfx-try" aria-labelledby={`${id}-title`}>
      <h3 className="cfx-try__title" id={`${id}-title`}>
        Try these settings
      </h3>
      <p className="cfx-muted" id={`${id}-hint`}>
        {props.payload === undefined
          ? "The test message below is not valid JSON: fix it to try this action."
          : "Runs the settings above, saved or not, once on the test message below. It costs credits like a run."}
      </p>
      <Button
        onClick={() => void run()}
        disabled={running || props.payload === undefined}
        aria-busy={running}
        aria-describedby={`${id}-hint`}
      >
        Try it
      </Button>
      <section className="cfx-try__result" aria-label="Try result" aria-live="polite">
        {running ? <p className="cfx-muted">Running…</p> : outcome ? <OutcomeView outcome={outcome} /> : null}
      </section>
    </section>
  );
}

function OutcomeView({ outcome }: { outcome: TryOutcome }) {
  if (!outcome.ok)
    return (
      <div className="cfx-field__error" role="alert">
        <p>
          Failed: <code className="cfx-mono">{outcome.code}</code> {outcome.message}
        </p>
        {remedies[outcome.code] ? <p>{remedies[outcome.code]}</p> : null}
      </div>
    );
  const result = asRecord(outcome.result);
  const usage = asRecord(outcome.usage);
  // An `ai` result is {output, usage, model}: show the answer itself; other results are shown whole.
  const output = result && "output" in result ? result.output : outcome.result;
  const model = usage?.model ?? result?.model;
  const image = webLink(result?.imageUrl);
  return (
    <dl className="cfx-try__facts">
      <dt>Output</dt>
      <dd>
        <pre className="cfx-mono cfx-try__output">
          {typeof output === "string" ? output : JSON.stringify(output, null, 2)}
        </pre>
      </dd>
      {image ? (
        <>
          <dt>Image</dt>
          <dd>
            <a href={image} target="_blank" rel="noreferrer">
              Open the drawn image
            </a>
          </dd>
        </>
      ) : null}
      {typeof model === "string" ? (
        <>
          <dt>Model</dt>
          <dd className="cfx-mono">{model}</dd>
        </>
      ) : null}
      {usage ? (
        <>
          <dt>Usage</dt>
          <dd>{usageText(usage)}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** An http(s) address from a result, or nothing: a `javascript:` or `data:` URL in data never becomes a link. */
function webLink(value: JsonValue | undefined): string | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const url = new URL(value, window.location.href);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function asRecord(value: JsonValue | null | undefined): Record<string, JsonValue> | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}

/** "11 input + 7 output tokens, 1 credit" from the step usage the AI actions report. */
function usageText(usage: Record<string, JsonValue>): string {
  const count = (key: string) => (typeof usage[key] === "number" ? (usage[key] as number) : undefined);
  const parts: string[] = [];
  const input = count("inputTokens");
  const output = count("outputTokens");
  if (input !== undefined || output !== undefined)
    parts.push(`${input ?? 0} input + ${output ?? 0} output tokens`);
  const credits = count("credits");
  if (credits !== undefined) parts.push(`${credits} credit${credits === 1 ? "" : "s"}`);
  const requests = count("requests");
  if (requests !== undefined && requests !== 1) parts.push(`${requests} requests`);
  return parts.join(", ") || JSON.stringify(usage);
}
