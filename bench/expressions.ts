/**
 * What a step pays for its action's condition and templates: compiled at every step (as before) next to
 * compiled once per source text (the runtime now). Rounds alternate between the two; medians printed.
 *
 *   npm run expressions -w @conflux/bench     # BENCH_STEPS=20000 BENCH_ROUNDS=9
 */
import { compileCondition, compileTemplate, type Scope } from "@conflux/core";
import {
  compileConditionOnce,
  compileTemplateOnce,
} from "../packages/server/src/expressions/compiled-expressions.ts";
import { median } from "./statistics.ts";

const steps = Number(process.env.BENCH_STEPS ?? 20_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 9);

// A webhook action as an app would have it: a condition, a URL with a path parameter and a JSON body.
const condition = 'payload.temp > 8 && context.eventType == "api" && exists(payload.sensor)';
const url = "http://sink.test/hook/${payload.sensor}";
const body =
  '{"sensor": "${payload.sensor}", "temp": ${payload.temp}, "alert": ${payload.temp > 30}, "at": "${context.eventType}"}';
const scope: Scope = {
  payload: { sensor: "fridge-1", temp: 9.5, humidity: 61 },
  context: { eventType: "api" },
};

type Step = () => void;
const compiledEachStep: Step = () => {
  if (!compileCondition(condition).evaluate(scope)) throw new Error("condition false");
  compileTemplate(url, "text").render(scope);
  compileTemplate(body, "json").render(scope);
};
const compiledOnce: Step = () => {
  if (!compileConditionOnce(condition).evaluate(scope)) throw new Error("condition false");
  compileTemplateOnce(url, "text").render(scope);
  compileTemplateOnce(body, "json").render(scope);
};

/** Microseconds per step over `steps` steps. */
function time(step: Step): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) step();
  return Number(process.hrtime.bigint() - started) / 1_000 / steps;
}

// Warm both paths up so the JIT has settled before anything is counted.
time(compiledEachStep);
time(compiledOnce);
const each: number[] = [];
const once: number[] = [];
for (let round = 1; round <= rounds; round++) {
  each.push(time(compiledEachStep));
  once.push(time(compiledOnce));
  console.log(
    `round ${round}: compiled each step ${each.at(-1)?.toFixed(2)} µs, once ${once.at(-1)?.toFixed(2)} µs`,
  );
}
const [eachMedian, onceMedian] = [median(each), median(once)];
console.log(
  `median per step: compiled each step ${eachMedian.toFixed(2)} µs, compiled once ${onceMedian.toFixed(2)} µs` +
    ` (saves ${(eachMedian - onceMedian).toFixed(2)} µs a step, ${(eachMedian / onceMedian).toFixed(1)}x)`,
);
