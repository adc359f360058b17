import { describe, expect, it } from "vitest";
import { normalizeCoords, pointsInRect } from "../../../webview/src/scatter/normalize";
import { focusOpacities, paletteForLegend } from "../../../webview/src/scatter/palette";
import { pointStyleFor } from "../../../webview/src/scatter/pointStyle";
import { parseCssColor } from "../../../webview/src/scatter/themeColors";
import { pixelToPlot } from "../../../webview/src/scatter/viewMath";

describe("coordinate normalisation", () => {
  it("fits the longer axis to [-1, 1] minus the margin and keeps the aspect", () => {
    const { x, y } = normalizeCoords(Float32Array.of(10, 30, 20), Float32Array.of(0, 5, 10), 0);
    expect(Array.from(x)).toEqual([-1, 1, 0]);
    expect(Array.from(y)).toEqual([-0.5, 0, 0.5]);
  });

  it("puts non-finite coordinates at the centre and survives a single point", () => {
    const { x, y } = normalizeCoords(Float32Array.of(1, NaN, 3, Infinity), Float32Array.of(1, 2, 3, 4), 0.1);
    expect(x[1]).toBe(0);
    expect(x[3]).toBe(0);
    expect(Math.max(...x, ...y)).toBeCloseTo(0.9, 5);
    const one = normalizeCoords(Float32Array.of(5), Float32Array.of(5));
    expect([one.x[0], one.y[0]]).toEqual([0, 0]);
  });

  it("finds the points in a rectangle given in any corner order", () => {
    const x = Float32Array.of(-0.5, 0.1, 0.2, 0.9);
    const y = Float32Array.of(0, 0.1, -0.2, 0.9);
    expect(Array.from(pointsInRect(x, y, 0.5, -0.5, 0, 0.5))).toEqual([1, 2]);
  });
});

describe("screen to plot mapping", () => {
  it("inverts the plot's projection · view · model for a zoomed and panned camera", () => {
    const width = 800;
    const height = 400;
    // Camera: scale 2, translate (0.3, -0.1): column-major 4×4.
    const view = [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, 0.3, -0.1, 0, 1];
    const forward = (x: number, y: number): [number, number] => {
      const ndcX = (2 * x + 0.3) / (width / height);
      const ndcY = 2 * y - 0.1;
      return [((ndcX + 1) / 2) * width, ((1 - ndcY) / 2) * height];
    };
    for (const [x, y] of [[0, 0], [0.25, -0.4], [-0.7, 0.3]]) {
      const [px, py] = forward(x, y);
      const [bx, by] = pixelToPlot(px, py, { width, height, view });
      expect(bx).toBeCloseTo(x, 6);
      expect(by).toBeCloseTo(y, 6);
    }
  });
});

describe("colours and point style", () => {
  it("has 256 colours, grey Other, and dims only unfocused categories", () => {
    const colors = paletteForLegend([]);
    expect(colors).toHaveLength(256);
    expect(colors[255].slice(0, 3)).toEqual(colors[255].slice(0, 3).map(() => colors[255][0]));
    expect(new Set(colors.slice(0, 20).map((c) => c.join())).size).toBe(20);
    expect(focusOpacities(0.8, [])).toBeNull();
    const opacities = focusOpacities(0.8, [2, 5])!;
    expect(opacities).toHaveLength(256);
    expect([opacities[2], opacities[5]]).toEqual([0.8, 0.8]);
    expect(opacities[0]).toBeLessThan(0.1);
    expect(opacities[255]).toBeLessThan(0.1);
  });

  it("shrinks points and lowers opacity as the count grows", () => {
    const small = pointStyleFor(778);
    const big = pointStyleFor(1_000_000);
    expect(small.size).toBeGreaterThan(big.size);
    expect(small.opacity).toBeGreaterThan(big.opacity);
    expect(big.size).toBeGreaterThanOrEqual(1);
  });

  it("parses computed CSS colours", () => {
    expect(parseCssColor("rgb(255, 0, 51)")).toEqual([1, 0, 0.2, 1]);
    expect(parseCssColor("rgba(0, 0, 0, 0.5)")).toEqual([0, 0, 0, 0.5]);
    expect(parseCssColor("color(srgb 1 0 0)")).toBeNull();
  });
});
