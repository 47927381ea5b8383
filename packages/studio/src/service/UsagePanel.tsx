import type { MeteredUsage } from "./service-api.ts";
import { summarizeUsage } from "./usage-summary.ts";

const number = (value: number) => value.toLocaleString();

/** One metric this month, as a panel: used against the included amount and the cap, with a bar. */
export function UsagePanel({ title, usage }: { title: string; usage: MeteredUsage }) {
  const summary = summarizeUsage(usage);
  return (
    <section className="cfx-usage-panel" aria-label={title}>
      <h2 className="cfx-usage-panel__title">{title}</h2>
      <p className="cfx-usage-panel__figure">
        <strong data-testid={`${title}-used`}>{number(summary.used)}</strong> used
      </p>
      <meter
        className="cfx-usage-panel__bar"
        aria-label={`${title} used`}
        min={0}
        max={1}
        value={summary.fill}
      />
      <dl className="cfx-usage-panel__terms">
        <dt>Included in the plan</dt>
        <dd>{number(summary.included)}</dd>
        <dt>Beyond included (billed as overage)</dt>
        <dd>{number(summary.beyondIncluded)}</dd>
        <dt>Your quota</dt>
        <dd>{usage.quota === undefined ? "no cap" : number(usage.quota)}</dd>
        <dt>Plan limit</dt>
        <dd>{usage.planLimit === undefined ? "none" : number(usage.planLimit)}</dd>
        {summary.cap ? (
          <>
            <dt>Left before the {summary.cap.by === "quota" ? "quota" : "plan limit"}</dt>
            <dd>{number(summary.leftBeforeCap ?? 0)}</dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
