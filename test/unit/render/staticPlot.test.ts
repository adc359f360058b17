import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { categoryColor, hexToRgb, palette } from "../../../shared/src/palette";
import { encodePng } from "../../../shared/src/render/png";
import { rasterizePoints, renderPlotPng } from "../../../shared/src/render/staticPlot";

function pngSize(png: Uint8Array): [number, number] {
  const v = new DataView(png.buffer, png.byteOffset);
  return [v.getUint32(16), v.getUint32(20)];
}

describe("palette", () => {
  it("has 256 distinct-enough colours and grey for Other", () => {
    const p = palette();
    expect(p).toHaveLength(256);
    expect(new Set(p.slice(0, 255)).size).toBeGreaterThan(240);
    expect(categoryColor(255)).toBe("#a0a0a0");
    expect(p.every((c) => /^#[0-9a-f]{6}$/.test(c))).toBe(true);
  });
});

describe("static plot", () => {
  it("encodes a PNG that decodes back to the same pixels", () => {
    const rgba = new Uint8Array(3 * 2 * 4).map((_, i) => (i * 37) % 256);
    const png = encodePng(rgba, 3, 2);
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(pngSize(png)).toEqual([3, 2]);
    const idatLen = new DataView(png.buffer, png.byteOffset).getUint32(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect(Array.from(raw)).toEqual([0, ...rgba.subarray(0, 12), 0, ...rgba.subarray(12)]);
  });

  it("rasterises each category in its palette colour at its place", () => {
    const x = Float32Array.from([0, 0, 10, 10]);
    const y = Float32Array.from([0, 0, 10, 10]);
    const codes = Uint8Array.from([0, 0, 3, 3]);
    const w = 100;
    const h = 100;
    const rgba = rasterizePoints(x, y, codes, w, h);
    const at = (px: number, py: number) => Array.from(rgba.subarray((py * w + px) * 4, (py * w + px) * 4 + 4));
    // (0,0) maps to the bottom-left corner of the padded square, (10,10) to the top-right.
    const low = at(8, 91);
    const high = at(91, 8);
    expect(low.slice(0, 3)).toEqual(hexToRgb(categoryColor(0)));
    expect(high.slice(0, 3)).toEqual(hexToRgb(categoryColor(3)));
    expect(low[3]).toBeGreaterThan(128);
    expect(at(50, 50)[3]).toBe(0);
  });

  it("renders a framed picture with title and legend", () => {
    const n = 5000;
    const x = new Float32Array(n).map((_, i) => Math.cos(i) * (i % 5));
    const y = new Float32Array(n).map((_, i) => Math.sin(i) * (i % 5));
    const codes = new Uint8Array(n).map((_, i) => i % 5);
    const legend = Array.from({ length: 5 }, (_, i) => ({ index: i, label: `<cat ${i}>`, count: 1000 }));
    const png = renderPlotPng({ x, y, codes, legend, title: "UMAP · 5000 points", subtitle: "run abc & co", width: 640, height: 400 });
    expect(pngSize(png)).toEqual([640, 400]);
    const empty = renderPlotPng({ x: new Float32Array(0), y: new Float32Array(0), codes: new Uint8Array(0), legend: [], title: "", width: 640, height: 400 });
    expect(png.length).toBeGreaterThan(empty.length * 2);
  });
});
