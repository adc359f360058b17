import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CancelledError, InputError, NotFoundError, SourceError } from "../../../shared/src/errors";
import { listQdrantCollections, qdrantEndpoint, QdrantSource, type QdrantSourceOptions } from "../../../shared/src/sources/qdrant";
import { QdrantStandin, type StandinCollection, type StandinOptions } from "../../fixtures/qdrantStandin";
import { readAll } from "./helpers";

const standins: QdrantStandin[] = [];

async function standin(options: StandinOptions): Promise<QdrantStandin> {
  const s = await QdrantStandin.start(options);
  standins.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(standins.splice(0).map((s) => s.close()));
});

/** Records every backoff wait instead of sleeping. */
function fastRetries(waits: number[] = []): QdrantSourceOptions & { waits: number[] } {
  return { retry: { sleep: async (ms) => void waits.push(ms) }, env: {}, waits };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

/** n points with integer ids 0..n-1 inserted in scrambled order; vector = [id, -id, 1]. */
function intCollection(name: string, n: number): StandinCollection {
  const points = Array.from({ length: n }, (_, i) => {
    const id = (i * 7919) % n; // a permutation when gcd(7919, n) = 1
    return { id, vector: [id, -id, 1], payload: { n: id, text: `point ${id}` } };
  });
  return { name, vectors: { size: 3, distance: "Dot" }, points };
}

describe("Qdrant source on the stand-in server", () => {
  it("describes the collection and scrolls every page in id order", async () => {
    const server = await standin({ collections: [intCollection("docs", 2500)] });
    const source = new QdrantSource({ kind: "qdrant", url: server.url + "/", collection: "docs" }, fastRetries());
    const info = await source.describe();
    expect(info).toMatchObject({ kind: "qdrant", uri: server.url, collection: "docs", vectorName: null, count: 2500, dims: 3, distance: "dot" });
    const progress: number[] = [];
    const { batches, ids, vectors, payloads } = await readAll(source, { limit: 10_000, onProgress: (f) => progress.push(f) });
    expect(batches.map((b) => b.ids.length)).toEqual([1000, 1000, 500]);
    expect(progress).toEqual([1000, 2000, 2500]);
    expect(ids).toEqual(Array.from({ length: 2500 }, (_, i) => String(i)));
    expect(Array.from(vectors.subarray(3 * 1234, 3 * 1235))).toEqual([1234, -1234, 1]);
    expect(payloads[42]).toEqual({ n: 42, text: "point 42" });
    const scrolls = server.requestsTo("/collections/docs/points/scroll").map((r) => r.body as Record<string, unknown>);
    expect(scrolls.map((b) => b.offset ?? null)).toEqual([null, 1000, 2000]);
    expect(scrolls.every((b) => b.limit === 1000 && b.with_payload === true && b.with_vector === true)).toBe(true);
    expect(server.requestsTo("/collections/docs/points/count")[0].body).toEqual({ exact: true });
    await source.close();
  });

  it("turns UUID ids into strings, in Qdrant's order, and normalises Cosine vectors like Qdrant", async () => {
    const uuids = ["f0000000-0000-4000-8000-000000000000", "0a000000-0000-4000-8000-000000000000", "5b000000-0000-4000-8000-000000000000"];
    const server = await standin({
      collections: [{ name: "u", vectors: { size: 2, distance: "Cosine" }, points: uuids.map((id, i) => ({ id, vector: [3 * (i + 1), 4 * (i + 1)], payload: { i } })) }],
    });
    const source = new QdrantSource({ kind: "qdrant", url: server.url, collection: "u" }, fastRetries());
    const { ids, vectors, payloads } = await readAll(source, { batchSize: 2 });
    expect(ids).toEqual([uuids[1], uuids[2], uuids[0]]);
    expect(payloads.map((p) => p.i)).toEqual([1, 2, 0]);
    expect(Array.from(vectors)).toEqual(Array.from(new Float32Array([0.6, 0.8, 0.6, 0.8, 0.6, 0.8])));
    expect((await source.describe()).distance).toBe("cosine");
  });

  it("picks named vectors, skips sparse ones with a note, and skips points lacking the vector", async () => {
    const collection: StandinCollection = {
      name: "multi",
      vectors: { text: { size: 3, distance: "Cosine" }, image: { size: 2, distance: "Euclid" } },
      sparse_vectors: { bm25: {} },
      points: [
        { id: 1, vector: { text: [1, 0, 0], image: [1, 2], bm25: { indices: [3], values: [0.5] } }, payload: { a: 1 } },
        { id: 2, vector: { text: [0, 1, 0] }, payload: { a: 2 } },
        { id: 3, vector: { text: [0, 0, 1], image: [5, 6] }, payload: { a: 3 } },
      ],
    };
    const server = await standin({ collections: [collection] });
    const byDefault = new QdrantSource({ kind: "qdrant", url: server.url, collection: "multi" }, fastRetries());
    const info = await byDefault.describe();
    expect(info).toMatchObject({ vectorName: "text", dims: 3, distance: "cosine" });
    expect(info.notes).toContain("sparse vector 'bm25' skipped (only dense vectors can be projected)");
    expect(info.notes.join(" ")).toContain("also available: image");
    expect((await readAll(byDefault)).ids).toEqual(["1", "2", "3"]);

    const image = new QdrantSource({ kind: "qdrant", url: server.url, collection: "multi", vector: "image" }, fastRetries());
    expect(await image.describe()).toMatchObject({ vectorName: "image", dims: 2, distance: "euclidean" });
    const read = await readAll(image);
    expect(read.ids).toEqual(["1", "3"]);
    expect(Array.from(read.vectors)).toEqual([1, 2, 5, 6]);
    expect((await image.describe()).notes).toContain("1 point(s) without vector 'image' skipped");
    const lastScroll = server.requestsTo("/collections/multi/points/scroll").at(-1)!.body as Record<string, unknown>;
    expect(lastScroll.with_vector).toEqual(["image"]);

    const unknown = await failure(new QdrantSource({ kind: "qdrant", url: server.url, collection: "multi", vector: "audio" }, fastRetries()).describe());
    expect(unknown).toBeInstanceOf(InputError);
    expect(unknown.message).toMatch(/no vector named 'audio'.*text, image.*bm25/);
    const sparse = await failure(new QdrantSource({ kind: "qdrant", url: server.url, collection: "multi", vector: "bm25" }, fastRetries()).describe());
    expect(sparse.message).toContain("'bm25' of collection 'multi' is sparse");
  });

  it("samples uniformly over the whole collection: ids only, then the sample fetched by id", async () => {
    const server = await standin({ collections: [intCollection("big", 10_000)] });
    const source = new QdrantSource({ kind: "qdrant", url: server.url, collection: "big" }, { ...fastRetries(), idPageSize: 2500 });
    const samples: number[][] = [];
    for (let seed = 1; seed <= 8; seed++) {
      server.log.length = 0;
      const { ids, vectors, payloads } = await readAll(source, { limit: 1000, seed });
      const positions = ids.map(Number);
      samples.push(positions);
      expect(positions).toHaveLength(1000);
      expect(new Set(positions).size).toBe(1000);
      expect(positions).toEqual([...positions].sort((a, b) => a - b)); // ascending source order
      positions.forEach((p, k) => {
        expect(vectors[k * 3]).toBe(p);
        expect(payloads[k].n).toBe(p);
      });
      const mean = positions.reduce((s, p) => s + p, 0) / positions.length;
      expect(Math.abs(mean - 4999.5)).toBeLessThan(350); // ≈ 4 standard errors
      const deciles = new Array<number>(10).fill(0);
      for (const p of positions) deciles[Math.floor(p / 1000)]++;
      for (const d of deciles) expect(d).toBeGreaterThan(60);
      // Ids-only scroll pages, then one retrieve of the 1,000 sampled ids.
      const scrolls = server.requestsTo("/collections/big/points/scroll").map((r) => r.body as Record<string, unknown>);
      expect(scrolls).toHaveLength(4);
      expect(scrolls.every((b) => b.with_payload === false && b.with_vector === false && b.limit === 2500)).toBe(true);
      const retrieves = server.requestsTo("/collections/big/points");
      expect(retrieves).toHaveLength(1);
      expect((retrieves[0].body as { ids: number[] }).ids).toEqual(positions);
    }
    const again = (await readAll(source, { limit: 1000, seed: 3 })).ids.map(Number);
    expect(again).toEqual(samples[2]);
    expect(samples[0]).not.toEqual(samples[1]);
    const overall = samples.flat().reduce((s, p) => s + p, 0) / (samples.length * 1000);
    expect(Math.abs(overall - 4999.5)).toBeLessThan(150);
    // The original read the first N in scroll order: positions 0..999, mean 499.5, one decile.
    const firstN = (await readAll(source, { limit: 10_000 })).ids.slice(0, 1000).map(Number);
    expect(Math.max(...firstN)).toBe(999);
    expect(Math.min(...samples.map((s) => Math.max(...s)))).toBeGreaterThan(9000);
  });

  it("finds nearest neighbours through the query API, with the named vector", async () => {
    const collection: StandinCollection = {
      name: "near",
      vectors: { v: { size: 2, distance: "Dot" } },
      points: [
        { id: 1, vector: { v: [1, 0] } },
        { id: 2, vector: { v: [0, 1] } },
        { id: 3, vector: { v: [0.7, 0.7] } },
      ],
    };
    const server = await standin({ collections: [collection] });
    const source = new QdrantSource({ kind: "qdrant", url: server.url, collection: "near" }, fastRetries());
    const hits = await source.search(new Float32Array([1, 0.2]), 2);
    expect(hits.map((h) => h.id)).toEqual(["1", "3"]);
    expect(hits[0].score).toBeCloseTo(1, 5);
    expect(hits[1].score).toBeCloseTo(0.84, 5);
    const body = server.requestsTo("/collections/near/points/query")[0].body as Record<string, unknown>;
    expect(body).toMatchObject({ using: "v", limit: 2, with_payload: false });
  });

  it("retries 503s with exponential backoff, then succeeds", async () => {
    const server = await standin({ collections: [intCollection("docs", 10)], failFirst: 2 });
    const options = fastRetries();
    const source = new QdrantSource({ kind: "qdrant", url: server.url, collection: "docs" }, options);
    expect((await source.describe()).count).toBe(10);
    expect(server.log.slice(0, 3).map((r) => r.status)).toEqual([503, 503, 200]);
    expect(options.waits).toEqual([200, 400]);
  });

  it("retries 429 (rate limited) too, but not a 400, which says what the server refused", async () => {
    const server = await standin({ collections: [intCollection("docs", 10)], failFirst: 1, failStatus: 429 });
    const options = fastRetries();
    const source = new QdrantSource({ kind: "qdrant", url: server.url, collection: "docs" }, options);
    expect((await source.describe()).count).toBe(10);
    expect(options.waits).toEqual([200]);
    const err = await failure(source.search(new Float32Array([1, 2]), 3));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain("refused searching nearest neighbours in collection 'docs' (HTTP 400: Wrong input: Vector dimension error");
    expect(options.waits).toEqual([200]);
  });

  it("gives up after the last retry with a SourceError", async () => {
    const server = await standin({ collections: [intCollection("docs", 10)], failFirst: 100 });
    const options = { ...fastRetries(), retry: { retries: 3, sleep: async (ms: number) => void waits.push(ms) } };
    const waits: number[] = [];
    const err = await failure(new QdrantSource({ kind: "qdrant", url: server.url, collection: "docs" }, options).describe());
    expect(err).toBeInstanceOf(SourceError);
    expect(err.message).toMatch(/HTTP 503.*gave up after 4 attempts/);
    expect(waits).toEqual([200, 400, 800]);
    expect(server.log).toHaveLength(4);
  });

  it("retries a request that times out", async () => {
    const server = await standin({ collections: [intCollection("docs", 10)], stallFirst: 1 });
    const options = { ...fastRetries(), timeoutMs: 150 };
    const source = new QdrantSource({ kind: "qdrant", url: server.url, collection: "docs" }, options);
    expect((await source.describe()).count).toBe(10);
    expect(options.waits).toEqual([200]);
    expect(server.log[0].status).toBe(0); // the stalled request
  });

  it("says the API key was rejected (401) without ever showing the key", async () => {
    const server = await standin({ collections: [intCollection("docs", 10)], apiKey: "sekret-key-123" });
    const wrong = await failure(new QdrantSource({ kind: "qdrant", url: server.url, collection: "docs", apiKey: "wrong-key-456" }, fastRetries()).describe());
    expect(wrong).toBeInstanceOf(InputError);
    expect(wrong.message).toContain("rejected the API key (HTTP 401)");
    expect(wrong.message).toContain("QDRANT_API_KEY");
    expect(wrong.message).not.toContain("wrong-key-456");
    expect(wrong.message).not.toContain("sekret");
    const none = await failure(new QdrantSource({ kind: "qdrant", url: server.url, collection: "docs" }, fastRetries()).describe());
    expect(none.message).toMatch(/needs an API key \(HTTP 401\).*QDRANT_API_KEY/);
    // From the environment; the key is not part of what describe() returns.
    const fromEnv = new QdrantSource({ kind: "qdrant", url: server.url, collection: "docs" }, { ...fastRetries(), env: { QDRANT_API_KEY: "sekret-key-123" } });
    const info = await fromEnv.describe();
    expect(info.count).toBe(10);
    expect(JSON.stringify(info)).not.toContain("sekret");
    expect(info.notes.join(" ")).toContain("plain http");
  });

  it("keeps credentials and query strings out of the uri", async () => {
    const server = await standin({ collections: [intCollection("docs", 3)] });
    const url = server.url.replace("http://", "http://user:pass@") + "/?api_key=zzz";
    const info = await new QdrantSource({ kind: "qdrant", url, collection: "docs" }, fastRetries()).describe();
    expect(info.uri).toBe(server.url);
  });

  it("shows the effective port in the uri: 6333 unless one is typed, even a default one", () => {
    expect(qdrantEndpoint("https://example.com").uri).toBe("https://example.com:6333");
    expect(qdrantEndpoint("https://example.com:443/qdrant/")).toEqual({ uri: "https://example.com:443/qdrant", origin: "https://example.com", port: 443, prefix: "/qdrant" });
    expect(qdrantEndpoint("http://user:secret@example.com:80?api_key=x").uri).toBe("http://example.com:80");
    expect(qdrantEndpoint("http://[::1]:7000/").uri).toBe("http://[::1]:7000");
  });

  it("lists the available collections when the collection does not exist", async () => {
    const server = await standin({ collections: [intCollection("beta", 1), intCollection("alpha", 1)] });
    expect(await listQdrantCollections(server.url, undefined, fastRetries())).toEqual(["alpha", "beta"]);
    const err = await failure(new QdrantSource({ kind: "qdrant", url: server.url, collection: "gamma" }, fastRetries()).describe());
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toContain("'gamma' not found");
    expect((err as NotFoundError).hint).toContain("Available collections: alpha, beta");
  });

  it("says the server cannot be reached when nothing listens", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const err = await failure(new QdrantSource({ kind: "qdrant", url: `http://127.0.0.1:${port}`, collection: "docs" }, fastRetries()).describe());
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain(`cannot reach Qdrant at http://127.0.0.1:${port} — is it running?`);
  });

  it("refuses an empty collection and bad URLs", async () => {
    const server = await standin({ collections: [{ name: "empty", vectors: { size: 2, distance: "Dot" }, points: [] }] });
    const source = new QdrantSource({ kind: "qdrant", url: server.url, collection: "empty" }, fastRetries());
    expect((await source.describe()).count).toBe(0);
    const err = await failure(readAll(source));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toContain("has no vectors");
    expect(() => new QdrantSource({ kind: "qdrant", url: "not a url", collection: "x" })).toThrow(/not a valid URL/);
    expect(() => new QdrantSource({ kind: "qdrant", url: "ftp://host:6333", collection: "x" })).toThrow(/http:\/\/ or https:\/\//);
    expect(() => new QdrantSource({ kind: "qdrant", url: "http://localhost:6333", collection: "" })).toThrow(/--collection NAME/);
  });

  it("stops between batches when cancelled", async () => {
    const server = await standin({ collections: [intCollection("docs", 50)] });
    const source = new QdrantSource({ kind: "qdrant", url: server.url, collection: "docs" }, fastRetries());
    const controller = new AbortController();
    const run = async () => {
      for await (const _ of source.read({ limit: 50, seed: 1, batchSize: 10, signal: controller.signal })) controller.abort();
    };
    await expect(run()).rejects.toBeInstanceOf(CancelledError);
    expect(server.requestsTo("/collections/docs/points/scroll")).toHaveLength(1);
  });
});
