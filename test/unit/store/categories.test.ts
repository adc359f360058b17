import { describe, expect, it } from "vitest";
import { ageBucket, parseTimestamp, timestampValue } from "../../../shared/src/categories";
import { InputError } from "../../../shared/src/errors";
import type { Payload } from "../../../shared/src/types";
import { DOCS, NEW_RUN, runData, sharedStore } from "./helpers";

async function completedRun(payloads: Payload[]) {
  const store = await sharedStore();
  const run = await store.createRun(NEW_RUN);
  await store.completeRun(run.id, runData(payloads));
  return { store, run };
}

describe("categories from stored columns", () => {
  it("colours each builtin and payload fields, ranking labels by count then name", async () => {
    const { store, run } = await completedRun(DOCS);
    const cases: [string, number[], [string, number][]][] = [
      ["document_id", [0, 0, 2, 1, 3], [["guide", 2], ["notes", 1], ["ref", 1], ["unknown", 1]]],
      ["source_dir", [0, 0, 1, 2, 3], [["guide", 2], ["api", 1], ["notes", 1], ["unknown", 1]]],
      ["filetype", [0, 0, 1, 2, 3], [["text/markdown", 2], ["html", 1], ["txt", 1], ["unknown", 1]]],
      ["age_bucket", [0, 0, 0, 0, 0], [["unknown", 5]]],
      ["category", [0, 0, 1, 2, 0], [["howto", 3], ["reference", 1], ["unknown", 1]]],
      ["metadata.lang", [0, 0, 1, 0, 2], [["en", 3], ["de", 1], ["unknown", 1]]],
      ["no_such_field", [0, 0, 0, 0, 0], [["unknown", 5]]],
    ];
    for (const [colorBy, codes, legend] of cases) {
      const result = await store.categories(run.id, colorBy);
      expect(result.colorBy).toBe(colorBy);
      expect(result.codes).toBeInstanceOf(Uint8Array);
      expect({ colorBy, codes: Array.from(result.codes) }).toEqual({ colorBy, codes });
      expect(result.legend).toEqual(legend.map(([label, count], index) => ({ index, label, count })));
    }
  });

  it("gives the top 255 labels codes 0..254 and folds the rest into 'Other' (255)", async () => {
    // d000..d009 three points each, d010..d299 one each: 320 points, 300 labels.
    const payloads: Payload[] = [];
    for (let d = 0; d < 300; d++) {
      const label = `d${String(d).padStart(3, "0")}`;
      for (let k = 0; k < (d < 10 ? 3 : 1); k++) payloads.push({ document_id: label });
    }
    payloads.reverse(); // row order must not decide the ranking
    const { store, run } = await completedRun(payloads);
    const { codes, legend } = await store.categories(run.id, "document_id");
    expect(codes.length).toBe(320);
    expect(legend).toHaveLength(256);
    expect(legend.slice(0, 3)).toEqual([
      { index: 0, label: "d000", count: 3 },
      { index: 1, label: "d001", count: 3 },
      { index: 2, label: "d002", count: 3 },
    ]);
    expect(legend[10]).toEqual({ index: 10, label: "d010", count: 1 });
    expect(legend[254]).toEqual({ index: 254, label: "d254", count: 1 });
    expect(legend[255]).toEqual({ index: 255, label: "Other", count: 45 });
    expect(legend.reduce((sum, e) => sum + e.count, 0)).toBe(320);
    payloads.forEach((p, row) => {
      const d = Number(String(p.document_id).slice(1));
      expect(codes[row]).toBe(d <= 254 ? d : 255);
    });
    const counts = new Array(256).fill(0);
    for (const c of codes) counts[c]++;
    for (const entry of legend) expect(counts[entry.index]).toBe(entry.count);
  });

  it("rejects colour-by names that are not field paths, without touching the data", async () => {
    const { store, run } = await completedRun(DOCS);
    for (const bad of ["", "a..b", "$.a", "a b", "x'); DROP TABLE points; --", ".a", "a.", "a/b", "x".repeat(201)]) {
      await expect(store.categories(run.id, bad)).rejects.toBeInstanceOf(InputError);
    }
    expect((await store.coords(run.id)).count).toBe(DOCS.length);
  });

  it("computes age buckets in SQL exactly as ageBucket() in TypeScript", async () => {
    const now = new Date("2025-06-15T12:00:00.000Z");
    const day = 86_400_000;
    const at = (ms: number) => new Date(now.getTime() - ms).toISOString();
    const values: unknown[] = [
      at(0), at(1), at(day), at(day + 1), at(7 * day), at(7 * day + 1), at(30 * day), at(30 * day + 1),
      at(90 * day), at(90 * day + 1), at(180 * day), at(180 * day + 1), at(365 * day), at(365 * day + 1), at(3 * 365 * day),
      at(-1), at(-day), null, "garbage", "", 0, true,
      (now.getTime() - day) / 1000, now.getTime() - 7 * day, // seconds, milliseconds
      (now.getTime() - day) * 1000 + 500, (now.getTime() - day) * 1000 - 500, // microseconds around the 1-day edge
      "2025-06-14T13:00:00+01:00", "2025-06-14T12:00:00", "2025-W24-7T12:00:00Z",
    ];
    const payloads: Payload[] = values.map((v, i) => (i % 2 ? { updated_at: v } : { metadata: { timestamp: v } }));
    const { store, run } = await completedRun(payloads);
    const { codes, legend } = await store.categories(run.id, "age_bucket", now);
    const sqlLabels = Array.from(codes, (c) => legend[c].label);
    const tsLabels = payloads.map((p) => ageBucket(parseTimestamp(timestampValue(p)), now));
    expect(sqlLabels).toEqual(tsLabels);
    expect(tsLabels.slice(0, 17)).toEqual([
      "≤1d", "≤1d", "≤1d", "≤7d", "≤7d", "≤30d", "≤30d", "≤90d", "≤90d", "≤180d", "≤180d", "≤1y", "≤1y", ">1y", ">1y", "future", "future",
    ]);
    expect(tsLabels.slice(17)).toEqual(["unknown", "unknown", "unknown", ">1y", ">1y", "≤1d", "≤7d", "≤1d", "≤7d", "≤1d", "≤1d", "≤1d"]);
  });
});
