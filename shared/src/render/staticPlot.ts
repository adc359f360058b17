/**
 * The static picture of a run (image/png in notebook outputs, so a notebook reads anywhere): the
 * points are rasterised here with alpha blending (fast at 1M points, no SVG of a million circles),
 * then framed with a title and legend drawn by resvg.
 */
import { Resvg } from "@resvg/resvg-js";
import { categoryColor, hexToRgb } from "../palette";
import type { LegendEntry } from "../types";
import { encodePng } from "./png";

export interface StaticPlotInput {
  x: Float32Array;
  y: Float32Array;
  codes: Uint8Array;
  legend: LegendEntry[];
  title: string;
  subtitle?: string;
  width?: number;
  height?: number;
  dark?: boolean;
}

const LEGEND_WIDTH = 220;
const MAX_LEGEND_ROWS = 14;

/** Splats each point as a small disc into an RGBA buffer over a transparent background. */
export function rasterizePoints(x: Float32Array, y: Float32Array, codes: Uint8Array, width: number, height: number, legend: readonly LegendEntry[] = []): Uint8Array {
  const n = x.length;
  const rgba = new Float32Array(width * height * 4);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    if (x[i] < minX) minX = x[i];
    if (x[i] > maxX) maxX = x[i];
    if (y[i] < minY) minY = y[i];
    if (y[i] > maxY) maxY = y[i];
  }
  const pad = 8;
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const scale = Math.min((width - 2 * pad) / (maxX - minX || span), (height - 2 * pad) / (maxY - minY || span));
  const offX = (width - (maxX - minX) * scale) / 2;
  const offY = (height - (maxY - minY) * scale) / 2;
  const radius = n > 200_000 ? 0.8 : n > 20_000 ? 1.3 : n > 2_000 ? 2 : 3;
  const alpha = n > 200_000 ? 0.25 : n > 20_000 ? 0.5 : 0.85;
  const colors = Array.from({ length: 256 }, (_, i) => hexToRgb(categoryColor(i)).map((c) => c / 255));
  for (const e of legend) if (e.color && e.index >= 0 && e.index < 256) colors[e.index] = hexToRgb(legendColor(e)).map((c) => c / 255);
  const r = Math.ceil(radius);
  for (let i = 0; i < n; i++) {
    const cx = offX + (x[i] - minX) * scale;
    const cy = height - (offY + (y[i] - minY) * scale);
    const [cr, cg, cb] = colors[codes[i] ?? 0];
    for (let dy = -r; dy <= r; dy++) {
      const py = Math.round(cy) + dy;
      if (py < 0 || py >= height) continue;
      for (let dx = -r; dx <= r; dx++) {
        const px = Math.round(cx) + dx;
        if (px < 0 || px >= width) continue;
        const d = Math.hypot(px - cx, py - cy);
        const cover = Math.max(0, Math.min(1, radius + 0.5 - d)) * alpha;
        if (cover <= 0) continue;
        const o = (py * width + px) * 4;
        // "over" compositing in premultiplied space
        rgba[o] = cr * cover + rgba[o] * (1 - cover);
        rgba[o + 1] = cg * cover + rgba[o + 1] * (1 - cover);
        rgba[o + 2] = cb * cover + rgba[o + 2] * (1 - cover);
        rgba[o + 3] = cover + rgba[o + 3] * (1 - cover);
      }
    }
  }
  const out = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const a = rgba[p * 4 + 3];
    out[p * 4 + 3] = Math.round(a * 255);
    if (a > 0) for (let c = 0; c < 3; c++) out[p * 4 + c] = Math.round((rgba[p * 4 + c] / a) * 255);
  }
  return out;
}

/** An entry's own colour (ordered fields) if it is a plain hex colour, else the palette's. */
function legendColor(e: LegendEntry): string {
  return e.color && /^#[0-9a-fA-F]{6}$/.test(e.color) ? e.color : categoryColor(e.index);
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] as string);
}

function truncate(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}

export function renderPlotPng(input: StaticPlotInput): Buffer {
  const width = input.width ?? 760;
  const height = input.height ?? 460;
  const plotW = width - LEGEND_WIDTH;
  const plotH = height - 48;
  const fg = input.dark ? "#e6e6e6" : "#222222";
  const muted = input.dark ? "#9a9a9a" : "#666666";
  const bg = input.dark ? "#1e1e1e" : "#ffffff";
  const points = encodePng(rasterizePoints(input.x, input.y, input.codes, plotW, plotH, input.legend), plotW, plotH);
  const rows = input.legend.slice(0, MAX_LEGEND_ROWS);
  const hidden = input.legend.length - rows.length;
  const legend = rows
    .map(
      (e, i) =>
        `<rect x="${plotW + 12}" y="${56 + i * 20}" width="12" height="12" rx="2" fill="${legendColor(e)}"/>` +
        `<text x="${plotW + 30}" y="${66 + i * 20}" font-size="12" fill="${fg}">${escapeXml(truncate(e.label, 24))} <tspan fill="${muted}">${e.count}</tspan></text>`,
    )
    .join("");
  const more = hidden > 0 ? `<text x="${plotW + 12}" y="${66 + rows.length * 20}" font-size="12" fill="${muted}">+${hidden} more</text>` : "";
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="${width}" height="${height}" fill="${bg}"/>` +
    `<text x="12" y="22" font-size="15" font-weight="bold" fill="${fg}">${escapeXml(truncate(input.title, 80))}</text>` +
    (input.subtitle ? `<text x="12" y="40" font-size="12" fill="${muted}">${escapeXml(truncate(input.subtitle, 110))}</text>` : "") +
    `<image x="0" y="48" width="${plotW}" height="${plotH}" href="data:image/png;base64,${points.toString("base64")}"/>` +
    legend +
    more +
    `</svg>`;
  const resvg = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" }, background: bg });
  return resvg.render().asPng();
}
