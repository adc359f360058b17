/**
 * Bulk read of a run's stored vectors (the FLOAT[] column of `vectors`) into one Float32Array,
 * streamed chunk by chunk through the C API: no per-value JS objects, memory ≈ the result itself.
 */
import bindings from "@duckdb/node-bindings";
import type { Db } from "./duckdb";

/**
 * The vectors of `rows` (ascending; null = every row), row-major in that order, or null when the
 * run kept no vectors for some of them. Every stored vector must have `dims` values.
 */
export async function readVectorRows(db: Db, runId: string, pointCount: number, dims: number, rows: Uint32Array | null): Promise<Float32Array | null> {
  const wanted = rows ? rows.length : pointCount;
  // Where each run row goes in the output (−1: not wanted).
  let slot: Int32Array | null = null;
  if (rows) {
    slot = new Int32Array(pointCount).fill(-1);
    rows.forEach((r, i) => {
      if (r < pointCount) slot![r] = i;
    });
  }
  const out = new Float32Array(wanted * dims);
  let found = 0;
  let badWidth = false;
  await db.eachChunk(`SELECT "row", vec FROM vectors WHERE run_id = $run ORDER BY "row"`, { run: runId }, (chunk) => {
    const count = chunk.rowCount;
    const rowVector = bindings.data_chunk_get_vector(chunk.chunk, 0);
    const rowBytes = bindings.vector_get_data(rowVector, count * 4);
    const rowIds = new Int32Array(rowBytes.buffer, rowBytes.byteOffset, count);
    const list = bindings.data_chunk_get_vector(chunk.chunk, 1);
    const entryBytes = bindings.vector_get_data(list, count * 16);
    const entries = new BigUint64Array(entryBytes.buffer, entryBytes.byteOffset, count * 2);
    const childSize = bindings.list_vector_get_size(list);
    const childBytes = bindings.vector_get_data(bindings.list_vector_get_child(list), childSize * 4);
    const values = new Float32Array(childBytes.buffer, childBytes.byteOffset, childSize);
    for (let i = 0; i < count; i++) {
      const row = rowIds[i];
      const to = slot ? (row >= 0 && row < pointCount ? slot[row] : -1) : row;
      if (to < 0 || to >= wanted) continue;
      if (Number(entries[2 * i + 1]) !== dims) {
        badWidth = true;
        continue;
      }
      const offset = Number(entries[2 * i]);
      out.set(values.subarray(offset, offset + dims), to * dims);
      found++;
    }
  });
  if (badWidth) throw new Error(`run ${runId} has stored vectors that are not ${dims} values long`);
  return found === wanted ? out : null;
}
