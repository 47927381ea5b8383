/// <reference types="node" />
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { contrastRatio } from "./contrast.ts";

// Read as text: the test runner hands CSS imports over empty.
const css = readFileSync(`${import.meta.dirname}/ui.css`, "utf8");

/** The custom properties a block of ui.css declares, by the block's selector. */
function declarations(selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`ui.css has no ${selector} block`);
  const body = css.slice(start, css.indexOf("\n}", start));
  return new Map(
    [...body.matchAll(/^\s*(--[\w-]+):\s*([^;]+);/gm)].map((match) => [match[1] ?? "", match[2] ?? ""]),
  );
}

const light = declarations(":root");
const dark = new Map([...light, ...declarations(':root[data-theme="dark"]')]);
const colourTokens = [...light.keys()].filter((name) => /^--cfx-(color|code)-/.test(name));
const codeTokens = colourTokens.filter((name) => name.startsWith("--cfx-code-"));
const chartTokens = colourTokens.filter((name) => name.startsWith("--cfx-color-chart-"));

function colour(tokens: Map<string, string>, name: string): string {
  const value = tokens.get(`--cfx-color-${name}`);
  if (!value) throw new Error(`no --cfx-color-${name} in ui.css`);
  return value;
}

/** Text colour on background colour, as the studio's CSS pairs them. */
const pairs: [text: string, background: string][] = [
  ["text", "bg"],
  ["text", "surface"],
  ["text", "surface-muted"],
  ["text", "running-bg"],
  ["text-muted", "bg"],
  ["text-muted", "surface"],
  ["text-muted", "surface-muted"],
  ["primary", "bg"],
  ["primary", "surface"],
  ["primary", "running-bg"],
  ["primary-text", "primary"],
  ["primary-text", "primary-hover"],
  ["danger", "surface"],
  ["danger", "danger-bg"],
  ["danger-text", "danger"],
  ["danger-text", "danger-hover"],
  ["success", "surface"],
  ["success", "success-bg"],
  ["warning", "warning-bg"],
  ["running", "running-bg"],
  ["inverse-text", "inverse-bg"],
];

describe("the theme's colour tokens", () => {
  it("come in a dark version for every light one", () => {
    const darkOnly = declarations(':root[data-theme="dark"]');
    const missing = colourTokens.filter((name) => !darkOnly.has(name) && name !== "--cfx-color-qr-bg");
    expect(missing).toEqual([]);
    expect(colourTokens.length).toBeGreaterThan(20);
  });

  for (const [name, tokens] of [
    ["light", light],
    ["dark", dark],
  ] as const) {
    it(`give body text at least WCAG AA contrast (4.5:1) in the ${name} set`, () => {
      const failing = pairs
        .map(([text, background]) => {
          const ratio = contrastRatio(colour(tokens, text), colour(tokens, background));
          return { pair: `${text} on ${background}`, ratio: Math.round(ratio * 100) / 100 };
        })
        .filter(({ ratio }) => ratio < 4.5);
      expect(failing).toEqual([]);
    });

    it(`give highlighted code at least 4.5:1 on a field's background in the ${name} set`, () => {
      const background = colour(tokens, "surface");
      const failing = codeTokens
        .map((token) => ({ token, ratio: contrastRatio(tokens.get(token) ?? "", background) }))
        .filter(({ ratio }) => ratio < 4.5);
      expect(codeTokens.length).toBeGreaterThan(10);
      expect(failing).toEqual([]);
    });

    // Lines are graphics, not text: WCAG's 3:1 for non-text contrast.
    it(`give chart lines at least 3:1 on the surface in the ${name} set`, () => {
      const background = colour(tokens, "surface");
      const failing = chartTokens
        .map((token) => ({ token, ratio: contrastRatio(tokens.get(token) ?? "", background) }))
        .filter(({ ratio }) => ratio < 3);
      expect(chartTokens).toHaveLength(8);
      expect(failing).toEqual([]);
    });
  }
});

describe("contrastRatio", () => {
  it("is 21 for black on white, 1 for a colour on itself, and symmetric", () => {
    expect(contrastRatio("#000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#2450c7", "#2450c7")).toBe(1);
    expect(contrastRatio("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
    expect(contrastRatio("#ffffff", "#777777")).toBe(contrastRatio("#777777", "#ffffff"));
  });

  it("refuses a colour it cannot measure", () => {
    expect(() => contrastRatio("rgba(0, 0, 0, 0.5)", "#fff")).toThrow(/not an opaque hex colour/);
  });
});
