/**
 * Bench data: a seeded synthetic generator shaped like real embeddings (clusters, each a random
 * centre + a random low-rank subspace + small isotropic noise, as /tmp/scratch/gen.py), the
 * Fashion-MNIST idx reader, and the on-disk cache every bench child reads (raw row-major float32
 * vectors + int32 labels, so Node, Python and R all load the same bytes).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { createRng } from "../shared/src/random";

export interface SyntheticOptions {
  /** Number of clusters (default 20). */
  clusters?: number;
  /** Rank of each cluster's subspace (default 12, at most dims). */
  rank?: number;
  /** Std of the isotropic noise added to every coordinate (default 0.15). */
  noise?: number;
}

export interface LabelledMatrix {
  /** Row-major n × dims. */
  data: Float32Array;
  labels: Int32Array;
  n: number;
  dims: number;
}

/**
 * `n` points in `dims` dimensions: each cluster c has a centre ~ N(0, 1)^dims and a basis of `rank`
 * vectors ~ N(0, 9/dims)^dims; a point of cluster c (uniform) is centre + basis·z, z ~ N(0, 1)^rank,
 * plus N(0, noise²) on every coordinate. Same (n, dims, seed, options) ⇒ same bytes.
 */
export function syntheticClusters(n: number, dims: number, seed: number, options: SyntheticOptions = {}): LabelledMatrix {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(dims) && dims >= 1)) throw new RangeError(`bad shape ${n} × ${dims}`);
  const clusters = options.clusters ?? 20;
  const rank = Math.min(options.rank ?? 12, dims);
  const noise = options.noise ?? 0.15;
  const rng = createRng(seed);
  const centres = new Float64Array(clusters * dims);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.normal();
  const basisScale = 3 / Math.sqrt(dims);
  const bases = new Float64Array(clusters * rank * dims);
  for (let i = 0; i < bases.length; i++) bases[i] = rng.normal() * basisScale;

  const data = new Float32Array(n * dims);
  const labels = new Int32Array(n);
  const z = new Float64Array(rank);
  const row = new Float64Array(dims);
  for (let i = 0; i < n; i++) {
    const c = rng.int(clusters);
    labels[i] = c;
    for (let r = 0; r < rank; r++) z[r] = rng.normal();
    const cBase = c * dims;
    for (let d = 0; d < dims; d++) row[d] = centres[cBase + d] + noise * rng.normal();
    for (let r = 0; r < rank; r++) {
      const zr = z[r];
      const bBase = (c * rank + r) * dims;
      for (let d = 0; d < dims; d++) row[d] += zr * bases[bBase + d];
    }
    data.set(row, i * dims);
  }
  return { data, labels, n, dims };
}

export interface IdxArray {
  /** e.g. [60000, 28, 28] for images, [60000] for labels. */
  shape: number[];
  /** The unsigned bytes, row-major. */
  data: Uint8Array;
}

/**
 * Reads an idx file (LeCun's MNIST format; gzip-compressed or not): magic 0x0000 08 k (unsigned
 * bytes, k dimensions), k big-endian uint32 sizes, then the bytes. Other element types are refused.
 */
export function readIdx(bytes: Uint8Array): IdxArray {
  const raw = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0) throw new Error("not an idx file (bad magic)");
  if (raw[2] !== 0x08) throw new Error(`idx element type 0x${raw[2].toString(16)} is not supported (only unsigned bytes, 0x08)`);
  const ndims = raw[3];
  if (ndims < 1 || raw.length < 4 + 4 * ndims) throw new Error("idx header is truncated");
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let k = 0; k < ndims; k++) {
    const size = view.getUint32(4 + 4 * k, false);
    shape.push(size);
    count *= size;
  }
  const start = 4 + 4 * ndims;
  if (raw.length - start !== count) throw new Error(`idx payload has ${raw.length - start} bytes, the header says ${count}`);
  return { shape, data: raw.subarray(start) };
}

export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** Images of several idx files stacked (pixels / 255) with their labels: train then t10k = 70,000 × 784. */
export function loadIdxPairs(pairs: Array<[imagesFile: string, labelsFile: string]>): LabelledMatrix {
  const parts = pairs.map(([imagesFile, labelsFile]) => {
    const images = readIdx(readFileSync(imagesFile));
    const labels = readIdx(readFileSync(labelsFile));
    if (images.shape[0] !== labels.shape[0] || labels.shape.length !== 1) throw new Error(`${imagesFile} and ${labelsFile} do not match (${images.shape} vs ${labels.shape})`);
    return { images, labels, dims: images.shape.slice(1).reduce((a, b) => a * b, 1) };
  });
  const dims = parts[0].dims;
  if (parts.some((p) => p.dims !== dims)) throw new Error("idx files have different image sizes");
  const n = parts.reduce((s, p) => s + p.images.shape[0], 0);
  const data = new Float32Array(n * dims);
  const labels = new Int32Array(n);
  let row = 0;
  for (const p of parts) {
    const px = p.images.data;
    const base = row * dims;
    for (let i = 0; i < px.length; i++) data[base + i] = px[i] / 255;
    labels.set(p.labels.data, row);
    row += p.images.shape[0];
  }
  return { data, labels, n, dims };
}

export function fashionMnistFiles(dir = FASHION_MNIST_DIR): Array<[string, string]> {
  return ["train", "t10k"].map((s) => [path.join(dir, `${s}-images-idx3-ubyte.gz`), path.join(dir, `${s}-labels-idx1-ubyte.gz`)]);
}

export type DatasetSpec =
  | { kind: "synthetic"; n: number; dims: number; seed: number }
  | { kind: "fmnist"; dir?: string };

export interface DatasetFiles {
  /** e.g. "synth-10000x384" or "fmnist-70000x784". */
  id: string;
  vectors: string;
  labels: string;
  n: number;
  dims: number;
  /** Size of the float32 input vectors in MB (10⁶ bytes). */
  inputMB: number;
}

/** Bump when the generator's output changes, so stale cache files are not reused. */
const SYNTHETIC_VERSION = 1;

export function datasetId(spec: DatasetSpec): string {
  return spec.kind === "synthetic" ? `synth-${spec.n}x${spec.dims}` : "fmnist-70000x784";
}

function writeAtomic(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, Math.min(1 << 26, bytes.length - off));
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Writes the dataset into `cacheDir` unless it is there already; returns where the files are. */
export function ensureDataset(spec: DatasetSpec, cacheDir: string): DatasetFiles {
  mkdirSync(cacheDir, { recursive: true });
  const stem = spec.kind === "synthetic" ? `synth-v${SYNTHETIC_VERSION}-n${spec.n}-d${spec.dims}-s${spec.seed}` : "fmnist-70000x784";
  const vectors = path.join(cacheDir, `${stem}.f32`);
  const labels = path.join(cacheDir, `${stem}.labels.i32`);
  const shapeFile = path.join(cacheDir, `${stem}.json`);
  if (!(existsSync(vectors) && existsSync(labels) && existsSync(shapeFile))) {
    const m =
      spec.kind === "synthetic"
        ? syntheticClusters(spec.n, spec.dims, spec.seed)
        : loadIdxPairs(fashionMnistFiles(spec.dir));
    writeAtomic(vectors, new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength));
    writeAtomic(labels, new Uint8Array(m.labels.buffer, m.labels.byteOffset, m.labels.byteLength));
    writeFileSync(shapeFile, JSON.stringify({ n: m.n, dims: m.dims }));
  }
  const { n, dims } = JSON.parse(readFileSync(shapeFile, "utf8")) as { n: number; dims: number };
  return { id: datasetId(spec), vectors, labels, n, dims, inputMB: (n * dims * 4) / 1e6 };
}

/** Reads a cached dataset back (vectors and labels). */
export function readDataset(files: DatasetFiles): LabelledMatrix {
  const v = readFileSync(files.vectors);
  const l = readFileSync(files.labels);
  if (v.length !== files.n * files.dims * 4 || l.length !== files.n * 4) throw new Error(`${files.vectors}: size does not match ${files.n} × ${files.dims}`);
  const data = new Float32Array(files.n * files.dims);
  new Uint8Array(data.buffer).set(v);
  const labels = new Int32Array(files.n);
  new Uint8Array(labels.buffer).set(l);
  return { data, labels, n: files.n, dims: files.dims };
}
