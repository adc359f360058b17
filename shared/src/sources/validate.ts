/**
 * Checks every source applies while reading: finite values, one dimension for all points, at least
 * one dimension, payloads that are plain objects, a non-empty source, a sensible read limit.
 * Each failure is an InputError that names the point and says what to fix.
 */
import { InputError } from "../errors";
import type { Payload } from "../types";

/** How a point is named in messages: its id and its 0-based position in the source. */
export function pointLabel(id: string, row: number): string {
  return `point ${JSON.stringify(id)} (row ${row}, counting from 0)`;
}

export function checkDims(dims: number, where: string): void {
  if (!Number.isInteger(dims) || dims < 1) {
    throw new InputError(`${where}: vectors have ${dims} dimensions; at least 1 is needed`, "source");
  }
}

export function checkSameDims(found: number, expected: number, id: string, row: number, where: string): void {
  if (found !== expected) {
    throw new InputError(
      `${where}: ${pointLabel(id, row)} has ${found} dimensions but earlier points have ${expected}. ` +
        `All vectors must have the same dimension: remove or re-embed the odd ones, or choose another vector column.`,
      "source",
    );
  }
}

/**
 * Index of the first non-finite value in `values[0, length)`, or -1. NaN and ±Infinity both fail
 * `v - v === 0`, which keeps this loop branch-light.
 */
export function firstNonFinite(values: Float32Array, length = values.length): number {
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (v - v !== 0) return i;
  }
  return -1;
}

export function nonFiniteError(value: number, id: string, row: number, component: number, where: string): InputError {
  const what = Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  return new InputError(
    `${where}: ${pointLabel(id, row)} has ${what} at component ${component}. ` +
      `Every vector value must be a finite number: fix or drop that point (values beyond float32 range also become Infinity).`,
    "source",
  );
}

export function missingVectorError(id: string, row: number, where: string, column?: string): InputError {
  const col = column ? ` in '${column}'` : "";
  return new InputError(
    `${where}: ${pointLabel(id, row)} has no vector${col} (null, missing or not a list of numbers). ` +
      `Fill it in or remove that row.`,
    "source",
  );
}

export function emptySourceError(where: string): InputError {
  return new InputError(`${where} has no vectors: nothing to project. Point Embedscope at a source with at least one vector.`, "source");
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Payloads are plain objects; anything else (a string, a list, null) is kept under `value`. */
export function toPayload(value: unknown): Payload {
  if (isPlainObject(value)) return value;
  if (value === undefined || value === null) return {};
  return { value };
}

/** The limit a caller passes to `read`: a positive integer (Infinity means "everything"). */
export function checkLimit(limit: number): number {
  if (limit === Infinity) return Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InputError(`the sample limit must be a positive whole number (got ${limit})`, "sample");
  }
  return limit;
}
