import { describe, expect, it } from "vitest";
import { definitionOf } from "./contract.ts";
import {
  clearLayout,
  columnGap,
  freeSpot,
  layoutGraph,
  layoutTag,
  placeNodes,
  readLayout,
  rowGap,
  writeLayout,
} from "./layout.ts";
import { coldChainApp } from "./test-apps.ts";

describe("layout", () => {
  it("puts each node one column right of its furthest predecessor", () => {
    const positions = layoutGraph(
      ["s", "a", "b", "c"],
      [
        { source: "s", target: "a" },
        { source: "a", target: "b" },
        { source: "s", target: "b" },
        { source: "b", target: "c" },
      ],
    );
    expect(positions).toEqual({
      s: { x: 0, y: 0 },
      a: { x: columnGap, y: 0 },
      b: { x: 2 * columnGap, y: 0 },
      c: { x: 3 * columnGap, y: 0 },
    });
  });

  it("lays out a loop without running forever, breaking it at the edge that closes it", () => {
    const positions = layoutGraph(
      ["a", "b", "c"],
      [
        { source: "a", target: "b" },
        { source: "b", target: "c" },
        { source: "c", target: "b" },
      ],
    );
    expect(positions.b?.x).toBe(columnGap);
    expect(positions.c?.x).toBe(2 * columnGap);
    // a pure cycle has no root: it still gets columns
    const cycle = layoutGraph(
      ["x", "y"],
      [
        { source: "x", target: "y" },
        { source: "y", target: "x" },
      ],
    );
    expect(cycle).toEqual({ x: { x: 0, y: 0 }, y: { x: columnGap, y: 0 } });
  });

  it("stacks siblings in rows, ordered after their predecessors to avoid crossings", () => {
    const positions = layoutGraph(
      ["r1", "r2", "b2", "b1"],
      [
        { source: "r1", target: "b1" },
        { source: "r2", target: "b2" },
      ],
    );
    expect(positions.r1).toEqual({ x: 0, y: 0 });
    expect(positions.r2).toEqual({ x: 0, y: rowGap });
    expect(positions.b1).toEqual({ x: columnGap, y: 0 });
    expect(positions.b2).toEqual({ x: columnGap, y: rowGap });
  });

  it("keeps stored positions and places new nodes below them", () => {
    const positions = placeNodes({ a: { x: 500, y: 40 } }, ["a", "b"], [{ source: "a", target: "b" }]);
    expect(positions.a).toEqual({ x: 500, y: 40 });
    expect(positions.b).toEqual({ x: columnGap, y: 40 + rowGap });
  });

  it("stores positions in one app tag and reads them back; a broken tag means automatic layout", () => {
    const app = definitionOf(coldChainApp());
    const written = writeLayout(app, { "channel:alerts": { x: 10.4, y: 20.6 } });
    expect(written.tags).toEqual({ team: "ops", [layoutTag]: '{"channel:alerts":[10,21]}' });
    expect(readLayout(written)).toEqual({ "channel:alerts": { x: 10, y: 21 } });
    expect(readLayout({ ...app, tags: { [layoutTag]: "{not json" } })).toEqual({});
    expect(clearLayout(written).tags).toEqual({ team: "ops" });
    expect(clearLayout(app)).toBe(app);
  });

  it("finds a free spot for a new node below the ones in its way", () => {
    const taken = { a: { x: 0, y: 0 }, b: { x: 10, y: rowGap } };
    expect(freeSpot(taken, { x: 0, y: 0 })).toEqual({ x: 0, y: 2 * rowGap });
    expect(freeSpot(taken, { x: columnGap, y: 0 })).toEqual({ x: columnGap, y: 0 });
  });
});
