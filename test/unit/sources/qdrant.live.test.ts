/**
 * Against a real Qdrant server: runs only when QDRANT_URL is set (QDRANT_API_KEY if it needs one).
 * Creates a temporary collection, reads it back through QdrantSource, deletes it.
 */
import { QdrantClient } from "@qdrant/js-client-rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleIndices } from "../../../shared/src/random";
import { listQdrantCollections, QdrantSource } from "../../../shared/src/sources/qdrant";
import type { PointBatch } from "../../../shared/src/sources/source";

const url = process.env.QDRANT_URL;
const collection = `embedscope_live_${process.pid}_${Date.now()}`;
const N = 300;

describe.skipIf(!url)("Qdrant source on a live server (QDRANT_URL)", () => {
  let client: QdrantClient;

  beforeAll(async () => {
    client = new QdrantClient({ url: url!, apiKey: process.env.QDRANT_API_KEY, checkCompatibility: false });
    await client.createCollection(collection, {
      vectors: { dense: { size: 4, distance: "Euclid" } },
      sparse_vectors: { keywords: {} },
    });
    await client.upsert(collection, {
      wait: true,
      points: Array.from({ length: N }, (_, i) => ({
        id: i,
        vector: { dense: [i, i / 2, -i, 1], keywords: { indices: [i % 7], values: [1] } },
        payload: { n: i, text: `chunk ${i}` },
      })),
    });
  });

  afterAll(async () => {
    await client?.deleteCollection(collection).catch(() => undefined);
  });

  it("describes, reads everything, samples and searches", async () => {
    expect(await listQdrantCollections(url!)).toContain(collection);
    const source = new QdrantSource({ kind: "qdrant", url: url!, collection });
    const info = await source.describe();
    expect(info).toMatchObject({ count: N, dims: 4, vectorName: "dense", distance: "euclidean" });
    expect(info.notes.join(" ")).toContain("sparse vector 'keywords' skipped");

    const all: PointBatch[] = [];
    for await (const b of source.read({ limit: N, seed: 1, batchSize: 128 })) all.push(b);
    const ids = all.flatMap((b) => b.ids);
    expect(ids).toEqual(Array.from({ length: N }, (_, i) => String(i)));
    expect(Array.from(all[1].vectors.subarray(0, 4))).toEqual([128, 64, -128, 1]);
    expect(all[0].payloads[5]).toEqual({ n: 5, text: "chunk 5" });

    const sampled: string[] = [];
    for await (const b of source.read({ limit: 40, seed: 9 })) sampled.push(...b.ids);
    expect(sampled).toEqual(Array.from(sampleIndices(N, 40, 9), String));

    const hits = await source.search(new Float32Array([10, 5, -10, 1]), 3);
    expect(hits[0]).toMatchObject({ id: "10" });
    await source.close();
  });
});
