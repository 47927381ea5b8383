import { describe, expect, it } from "vitest";
import { initialViewport, readableZoom, revealViewport } from "./view.ts";

const screen = { width: 600, height: 500 };
const onScreen = (point: { x: number; y: number }, view: { x: number; y: number; zoom: number }) => ({
  x: point.x * view.zoom + view.x,
  y: point.y * view.zoom + view.y,
});

describe("the first view", () => {
  it("a small app is centred at zoom 1 at most", () => {
    const view = initialViewport({ x: 0, y: 0, width: 200, height: 100 }, screen);
    expect(view.zoom).toBe(1);
    expect(onScreen({ x: 100, y: 50 }, view)).toEqual({ x: 300, y: 250 });
  });

  it("an app that fits between the readable zoom and 1 is fitted", () => {
    const view = initialViewport({ x: 0, y: 0, width: 650, height: 100 }, screen);
    expect(view.zoom).toBeGreaterThanOrEqual(readableZoom);
    expect(view.zoom).toBeLessThan(1);
    expect(onScreen({ x: 650, y: 0 }, view).x).toBeLessThanOrEqual(screen.width);
  });

  it("a wide app stays readable and starts at its left edge, where the messages come in", () => {
    const view = initialViewport({ x: -40, y: 10, width: 1300, height: 240 }, screen);
    expect(view.zoom).toBe(readableZoom);
    expect(onScreen({ x: -40, y: 10 }, view).x).toBe(24);
    // vertically it fits, so it is centred
    const top = onScreen({ x: 0, y: 10 }, view).y;
    const bottom = onScreen({ x: 0, y: 250 }, view).y;
    expect(top + bottom).toBeCloseTo(screen.height);
  });
});

describe("revealing an added node", () => {
  const node = { x: 1000, y: 0, width: 200, height: 80 };
  it("shows the node with its neighbours, never zooming in beyond the current zoom", () => {
    const view = revealViewport({ x: 740, y: 0, width: 460, height: 80 }, node, screen, {
      x: 0,
      y: 0,
      zoom: 1,
    });
    expect(view.zoom).toBeLessThanOrEqual(1);
    const corner = onScreen({ x: 1200, y: 80 }, view);
    expect(corner.x).toBeLessThanOrEqual(screen.width);
    expect(onScreen({ x: 1000, y: 0 }, view).x).toBeGreaterThanOrEqual(0);
  });

  it("when the neighbours do not fit at a readable zoom the node alone is centred in view", () => {
    const wide = { x: 0, y: 0, width: 2400, height: 80 };
    const view = revealViewport(wide, node, screen, { x: 0, y: 0, zoom: 1 });
    expect(view.zoom).toBe(readableZoom);
    const left = onScreen({ x: 1000, y: 0 }, view);
    const right = onScreen({ x: 1200, y: 80 }, view);
    expect(left.x).toBeGreaterThanOrEqual(0);
    expect(right.x).toBeLessThanOrEqual(screen.width);
  });

  it("keeps a person's zoomed-out view zoomed out", () => {
    const view = revealViewport({ x: 0, y: 0, width: 2400, height: 80 }, node, screen, {
      x: 0,
      y: 0,
      zoom: 0.3,
    });
    expect(view.zoom).toBe(0.3);
  });
});
