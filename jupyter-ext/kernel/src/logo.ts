/** The kernel's launcher logo: three clusters of dots, as an SVG and as PNGs (kernelspec logo-*.png). */
import { encodePng } from "../../../shared/src/render/png";
import { categoryColor } from "../../../shared/src/palette";

/** [x, y, radius, colour index] on a 64×64 canvas. */
const DOTS: [number, number, number, number][] = [
  [18, 20, 6, 0], [27, 14, 4, 0], [13, 30, 4, 0],
  [44, 22, 6, 1], [52, 31, 4, 1], [40, 13, 3, 1],
  [30, 44, 7, 2], [20, 51, 4, 2], [42, 50, 4, 2], [33, 32, 3, 3],
];
const BACKGROUND = "#1f2430";

export function logoSvg(): string {
  const dots = DOTS.map(([x, y, r, c]) => `<circle cx="${x}" cy="${y}" r="${r}" fill="${categoryColor(c)}"/>`).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64"><rect width="64" height="64" rx="12" fill="${BACKGROUND}"/>${dots}</svg>\n`;
}

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** Rasterised with 4×4 supersampling so the dots' edges are smooth at 32 px. */
export function logoPng(size: number): Buffer {
  const rgba = new Uint8Array(size * size * 4);
  const scale = 64 / size;
  const bg = rgb(BACKGROUND);
  const colors = DOTS.map(([, , , c]) => rgb(categoryColor(c)));
  const S = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) * scale;
          const y = (py + (sy + 0.5) / S) * scale;
          if (!insideRoundedSquare(x, y, 64, 12)) continue;
          let color = bg;
          for (let i = DOTS.length - 1; i >= 0; i--) {
            const [cx, cy, radius] = DOTS[i];
            if ((x - cx) ** 2 + (y - cy) ** 2 <= radius * radius) {
              color = colors[i];
              break;
            }
          }
          r += color[0];
          g += color[1];
          b += color[2];
          a += 1;
        }
      }
      const o = (py * size + px) * 4;
      const n = S * S;
      if (a > 0) {
        rgba[o] = Math.round(r / a);
        rgba[o + 1] = Math.round(g / a);
        rgba[o + 2] = Math.round(b / a);
      }
      rgba[o + 3] = Math.round((255 * a) / n);
    }
  }
  return encodePng(rgba, size, size);
}

function insideRoundedSquare(x: number, y: number, size: number, radius: number): boolean {
  const dx = Math.max(radius - x, 0, x - (size - radius));
  const dy = Math.max(radius - y, 0, y - (size - radius));
  return dx * dx + dy * dy <= radius * radius;
}
