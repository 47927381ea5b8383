import type { JsonValue } from "@conflux/core";
import { TrailingBadge } from "../ui/Badge.tsx";
import type { RunStep } from "./contract.ts";
import { type ActionRunState, formatDuration, statusLabels } from "./run-overlay.ts";

function JsonBlock({ label, value }: { label: string; value: JsonValue | null }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        {value === null ? (
          <span className="cfx-muted">none</span>
        ) : (
          <pre className="cfx-editor-json">{JSON.stringify(value, null, 2)}</pre>
        )}
      </dd>
    </>
  );
}

function conditionText(step: RunStep): string {
  if (step.conditionValue === null)
    return step.status === "disabled" ? "not evaluated (disabled)" : "not evaluated";
  return String(step.conditionValue);
}

/** The model a step's result says answered (an AI action's `result.model`). */
function answeringModel(step: RunStep): string | undefined {
  const result = step.result;
  if (result === null || typeof result !== "object" || Array.isArray(result)) return undefined;
  return typeof result.model === "string" ? result.model : undefined;
}

/**
 * What each step of the selected action saw and did in the run on the canvas. `model` is the model
 * the action names: a step answered by another one was answered by a fallback, and says so.
 */
export function StepDetails({ state, model }: { state: ActionRunState; model?: string | undefined }) {
  return (
    <section className="cfx-step-details" aria-label="Step details">
      <h3>
        In this run:{" "}
        <span className={`cfx-badge cfx-badge--${state.status}`}>{statusLabels[state.status]}</span>
      </h3>
      {state.steps.length === 0 ? <p className="cfx-muted">The run has not reached this action.</p> : null}
      {state.steps.map((step, index) => (
        <div key={step.stepId} className="cfx-step">
          {state.steps.length > 1 ? (
            <h4>
              Step {index + 1} of {state.steps.length}
            </h4>
          ) : null}
          <dl className="cfx-step__facts">
            <dt>Status</dt>
            <dd>{statusLabels[step.status as keyof typeof statusLabels] ?? step.status}</dd>
            <dt>Condition value</dt>
            <dd>{conditionText(step)}</dd>
            <dt>Duration</dt>
            <dd>{formatDuration(step)}</dd>
            <dt>Attempts</dt>
            <dd>{step.attempts}</dd>
            <AnsweredBy answered={answeringModel(step)} named={model} />
            {step.error ? (
              <>
                <dt>Error</dt>
                <dd className="cfx-step__error">
                  <code>{step.error.code}</code>: {step.error.message}
                </dd>
              </>
            ) : null}
            <JsonBlock label="Input" value={step.input} />
            <JsonBlock label="Result" value={step.result} />
            {step.usage !== null ? <JsonBlock label="Usage" value={step.usage} /> : null}
          </dl>
        </div>
      ))}
    </section>
  );
}

function AnsweredBy({ answered, named }: { answered: string | undefined; named: string | undefined }) {
  if (answered === undefined) return null;
  const fallback = named !== undefined && answered !== named;
  return (
    <>
      <dt>Model that answered</dt>
      <dd className="cfx-step__model">
        <code>{answered}</code>
        {fallback ? (
          <>
            <TrailingBadge tone="warning">fallback</TrailingBadge>
            {/* The badge ends a sentence only to the eye: without the stop, "fallback" reads as naming the next model. */}
            <span>
              <span className="cfx-visually-hidden">. </span>
              <code>{named}</code> did not answer.
            </span>
          </>
        ) : null}
      </dd>
    </>
  );
}
