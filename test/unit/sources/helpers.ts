/** What the source tests share: draining a source, and catching the InputError a bad input must give. */
import { expect } from "vitest";
import { InputError } from "../../../shared/src/errors";
import type { PointBatch, ReadOptions, VectorSource } from "../../../shared/src/sources/source";

export async function readAll(source: VectorSource, options: Partial<ReadOptions> = {}) {
  const batches: PointBatch[] = [];
  for await (const b of source.read({ limit: 1_000_000, seed: 1, ...options })) batches.push(b);
  const vectors = new Float32Array(batches.reduce((n, b) => n + b.vectors.length, 0));
  let at = 0;
  for (const b of batches) {
    vectors.set(b.vectors, at);
    at += b.vectors.length;
  }
  return { batches, ids: batches.flatMap((b) => b.ids), payloads: batches.flatMap((b) => b.payloads), vectors };
}

export async function inputError(promise: Promise<unknown>): Promise<InputError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}
