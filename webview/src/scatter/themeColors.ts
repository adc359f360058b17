/**
 * The plot draws in WebGL, which cannot read CSS variables: resolve the theme's colours (ours map to
 * VS Code's and JupyterLab's) to RGBA through a probe element.
 */
import type { Rgba } from "./palette";

export interface PlotColors {
  background: Rgba;
  accent: Rgba;
  hover: Rgba;
  lasso: Rgba;
  /** True when the background is dark (for the palette's neutral and the tooltip). */
  dark: boolean;
}

export function parseCssColor(value: string): Rgba | null {
  const m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/.exec(value.trim());
  if (!m) return null;
  let alpha = m[4] === undefined ? 1 : m[4].endsWith("%") ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
  if (!Number.isFinite(alpha)) alpha = 1;
  return [Number(m[1]) / 255, Number(m[2]) / 255, Number(m[3]) / 255, alpha];
}

/** Resolves `var(--x)` chains and named colours by letting the browser compute them. */
function resolve(host: HTMLElement, variable: string, fallback: Rgba): Rgba {
  const probe = document.createElement("span");
  probe.style.color = `var(${variable})`;
  probe.style.display = "none";
  host.appendChild(probe);
  const computed = getComputedStyle(probe).color;
  probe.remove();
  return parseCssColor(computed) ?? fallback;
}

export function readPlotColors(host: HTMLElement): PlotColors {
  const background = resolve(host, "--es-plot-bg", [1, 1, 1, 1]);
  // A transparent theme background (some notebook themes) would make the canvas see-through.
  const opaque: Rgba = background[3] < 1 ? [1, 1, 1, 1] : background;
  const luminance = 0.2126 * opaque[0] + 0.7152 * opaque[1] + 0.0722 * opaque[2];
  return {
    background: opaque,
    accent: resolve(host, "--es-accent", [0.15, 0.39, 0.92, 1]),
    hover: resolve(host, "--es-fg", [0.1, 0.1, 0.1, 1]),
    lasso: resolve(host, "--es-accent", [0.15, 0.39, 0.92, 1]),
    dark: luminance < 0.45,
  };
}
