import { describe, expect, it } from "vitest";
import { checkExpression, completeExpression, contextKeysFor, diagnosticRange } from "./expression-assist.ts";

const condition = { kind: "condition" } as const;
const text = { kind: "template", mode: "text" } as const;
const scope = {
  samplePayload: { temp: 9, sensor: { id: "s1", room: "a" } },
  contextKeys: contextKeysFor("api"),
};
const labels = (
  source: string,
  kind: Parameters<typeof completeExpression>[2] = condition,
  at = source.length,
) => completeExpression(source, at, kind, scope)?.options.map((option) => option.label);

describe("expression assist", () => {
  it("finds a condition's syntax error at its column with core's checker", () => {
    expect(checkExpression("payload.temp > ", condition)).toEqual({
      message: expect.stringContaining("at column 16"),
      column: 16,
    });
    expect(checkExpression("payload.temp > 8", condition)).toBeUndefined();
    expect(checkExpression("", condition)).toBeUndefined();
  });

  it("checks templates in their mode", () => {
    expect(checkExpression("Hot: ${payload.temp", text)?.column).toBeGreaterThan(5);
    expect(checkExpression('{"t": ${payload.temp}}', { kind: "template", mode: "json" })).toBeUndefined();
  });

  it("underlines the column's character, or the last one when the error is at the end", () => {
    expect(diagnosticRange(3, 10)).toEqual({ from: 2, to: 3 });
    expect(diagnosticRange(16, 15)).toEqual({ from: 14, to: 15 });
    expect(diagnosticRange(undefined, 4)).toEqual({ from: 0, to: 1 });
    expect(diagnosticRange(1, 0)).toEqual({ from: 0, to: 0 });
  });

  it("suggests variables and the function catalogue at the start of a name", () => {
    const options = completeExpression("pay", 3, condition, scope);
    expect(options?.from).toBe(0);
    expect(options?.options.map((o) => o.label)).toEqual(
      expect.arrayContaining(["payload", "context", "event", "now", "formatDate", "exists"]),
    );
    const now = options?.options.find((o) => o.label === "now");
    expect(now).toMatchObject({ type: "function", detail: "now()", apply: "now(" });
  });

  it("suggests the sample payload's fields after payload. and event.payload., nested too", () => {
    expect(labels("payload.")).toEqual(["temp", "sensor"]);
    expect(labels("payload.sensor.r")).toEqual(["id", "room"]);
    expect(completeExpression("payload.sensor.r", 16, condition, scope)?.from).toBe(15);
    expect(labels("event.")).toEqual(["payload", "context"]);
    expect(labels("event.payload.")).toEqual(["temp", "sensor"]);
  });

  it("suggests the context keys of the channel's event source after context.", () => {
    expect(labels("context.")).toEqual(["eventType", "webhookId"]);
    expect(contextKeysFor("scheduled-timer")).toEqual([
      "eventType",
      "scheduleId",
      "timestamp",
      "cron",
      "timezone",
      "webhookId",
    ]);
    expect(labels("event.context.e")).toEqual(["eventType", "webhookId"]);
  });

  it("in a template, suggests only inside an open ${", () => {
    expect(labels("Hot: payl", text)).toBeUndefined();
    expect(labels("Hot: ${payload.", text)).toEqual(["temp", "sensor"]);
    expect(labels("${payload.temp} and pay", text)).toBeUndefined();
  });

  it("offers result and error where a transform has them", () => {
    const options = completeExpression("re", 2, text, scope);
    expect(options).toBeUndefined();
    expect(
      completeExpression("${re", 4, text, { ...scope, extraVariables: ["result"] })?.options.some(
        (o) => o.label === "result",
      ),
    ).toBe(true);
  });
});
