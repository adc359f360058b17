import { writeFileSync } from "node:fs";

/** Writes a version-1.0 .npy file of float32 (or float64) rows. */
export function writeNpy(file: string, rows: number[][], dtype: "<f4" | "<f8" = "<f4", fortran = false): void {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  let header = `{'descr': '${dtype}', 'fortran_order': ${fortran ? "True" : "False"}, 'shape': (${n}, ${d}), }`;
  const preamble = 10;
  const pad = 64 - ((preamble + header.length + 1) % 64);
  header = header + " ".repeat(pad % 64) + "\n";
  const head = Buffer.alloc(preamble);
  head.write("\x93NUMPY", 0, "latin1");
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const size = dtype === "<f4" ? 4 : 8;
  const body = Buffer.alloc(n * d * size);
  rows.flat().forEach((v, i) => (size === 4 ? body.writeFloatLE(v, i * 4) : body.writeDoubleLE(v, i * 8)));
  writeFileSync(file, Buffer.concat([head, Buffer.from(header, "latin1"), body]));
}
