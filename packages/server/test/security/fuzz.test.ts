// fast-check against a real server: app import (JSON and YAML, arbitrary and app-shaped documents)
// and the expression parser (conditions and templates of a saved app, then a run). Whatever comes in,
// the answer is never a 500 and always comes within a generous bound.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { useSuite, waitForRun } from "../harness.ts";

const suite = useSuite();

/** Generous: a request on a shared machine, including validation of a large document. */
const answerWithinMs = 5_000;

async function timedCall(method: string, url: string, body?: unknown, headers?: Record<string, string>) {
  const started = performance.now();
  const answer = await suite.session.call(method, url, body, headers);
  return { ...answer, elapsed: performance.now() - started };
}

const appShaped = fc.record(
  {
    name: fc.oneof(fc.string(), fc.jsonValue()),
    channels: fc.oneof(
      fc.array(
        fc.record(
          {
            channelId: fc.oneof(fc.string({ maxLength: 8 }), fc.jsonValue()),
            eventSource: fc.oneof(
              fc.constant({ type: "api", config: {} }),
              fc.record({ type: fc.string({ maxLength: 10 }), config: fc.jsonValue() }),
            ),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
      fc.jsonValue(),
    ),
    actions: fc.oneof(
      fc.array(
        fc.record(
          {
            actionId: fc.string({ maxLength: 8 }),
            channelId: fc.string({ maxLength: 8 }),
            type: fc.constantFrom("republish", "webhook", "code", "email", "ai", "nope"),
            condition: fc.string({ maxLength: 40 }),
            config: fc.oneof(fc.jsonValue(), fc.record({ source: fc.string(), url: fc.string() })),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
      fc.jsonValue(),
    ),
    __proto__: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

describe("app import never answers 500", () => {
  it("JSON documents, app-shaped or not", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(appShaped, fc.jsonValue()), async (document) => {
        const answer = await timedCall("POST", "/v1/apps/import", document);
        expect(answer.status, answer.text).toBeLessThan(500);
        expect(answer.elapsed).toBeLessThan(answerWithinMs);
      }),
      { numRuns: 60 },
    );
  });

  it("YAML text, well-formed or not", async () => {
    const yamlText = fc.oneof(
      appShaped.map((document) => YAML.stringify(document)),
      fc.string({ maxLength: 300 }),
      fc
        .array(
          fc.constantFrom(
            "a: ",
            "- ",
            "&x ",
            "*x ",
            "[",
            "]",
            "{",
            "}",
            "!!",
            "|\n",
            "  ",
            "\n",
            "'",
            '"',
            "#",
            "? ",
          ),
          {
            maxLength: 80,
          },
        )
        .map((pieces) => pieces.join("")),
    );
    await fc.assert(
      fc.asyncProperty(yamlText, async (text) => {
        const answer = await timedCall("POST", "/v1/apps/import", text, {
          "content-type": "application/yaml",
        });
        expect(answer.status, answer.text).toBeLessThan(500);
        expect(answer.elapsed).toBeLessThan(answerWithinMs);
      }),
      { numRuns: 60 },
    );
  });
});

describe("the expression parser never answers 500", () => {
  const sourcePiece = fc.constantFrom(
    "payload",
    ".a",
    "[0]",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "'x'",
    '"',
    "1e999",
    "-",
    "!",
    "?",
    ":",
    "&&",
    "==",
    "+",
    ",",
    "len(",
    "formatDate(",
    "toNumber(",
    "replace(",
    "${",
    "\\",
    " ",
  );
  const expressionSource = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.array(sourcePiece, { maxLength: 60 }).map((pieces) => pieces.join("")),
  );

  it("conditions and templates of a saved app: 201 or 400, and a run that ends", async () => {
    await fc.assert(
      fc.asyncProperty(expressionSource, expressionSource, async (condition, template) => {
        const saved = await timedCall("POST", "/v1/apps", {
          name: "fuzz",
          channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
          actions: [
            {
              actionId: "a",
              channelId: "in",
              type: "republish",
              condition,
              config: { transform: { contentType: "text/plain", content: template } },
            },
          ],
        });
        expect(saved.status, saved.text).toBeLessThan(500);
        expect(saved.elapsed).toBeLessThan(answerWithinMs);
        if (saved.status !== 201) {
          expect(saved.body.code).toBe("validation_failed");
          return;
        }
        const sent = await timedCall("POST", `/v1/apps/${saved.body.appId}/channels/in/messages`, {
          a: [1, "x"],
        });
        expect(sent.status).toBe(202);
        const run = await waitForRun(suite.session, saved.body.appId, sent.body.executionId, answerWithinMs);
        expect(["completed", "failed", "skipped"]).toContain(run.steps[0]?.status ?? "skipped");
      }),
      { numRuns: 40 },
    );
  });
});
