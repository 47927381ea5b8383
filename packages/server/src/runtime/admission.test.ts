import { describe, expect, it } from "vitest";
import { admissionVerdict } from "./admission.ts";

const now = 1_000_000;
const waited = (seconds: number) => now - seconds * 1000;

describe("admission at the sources (bound 60 s)", () => {
  it("admits while every backlog is young", () => {
    expect(admissionVerdict(new Map(), "a", 60, now)).toEqual({ admit: true });
    expect(admissionVerdict(new Map([["a", waited(15)]]), "a", 60, now)).toEqual({ admit: true });
  });

  it("refuses the operator whose own oldest job waits past a quarter of the bound, and only it", () => {
    const dueSince = new Map([["a", waited(20)]]);
    expect(admissionVerdict(dueSince, "a", 60, now)).toEqual({
      admit: false,
      status: "operator",
      retryAfterSeconds: 5,
    });
    expect(admissionVerdict(dueSince, "b", 60, now)).toEqual({ admit: true });
  });

  it("refuses everyone past half the bound, asking for the time the excess needs", () => {
    const dueSince = new Map([
      ["a", waited(42.5)],
      ["b", waited(1)],
    ]);
    expect(admissionVerdict(dueSince, "b", 60, now)).toEqual({
      admit: false,
      status: "overall",
      retryAfterSeconds: 13,
    });
    expect(admissionVerdict(dueSince, "c", 60, now)).toMatchObject({ admit: false, status: "overall" });
  });

  it("asks for at least a second", () => {
    expect(admissionVerdict(new Map([["a", waited(15.01)]]), "a", 60, now)).toMatchObject({
      retryAfterSeconds: 1,
    });
  });
});
