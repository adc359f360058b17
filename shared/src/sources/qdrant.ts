/**
 * Vectors from a Qdrant collection through @qdrant/js-client-rest.
 *
 * When the collection fits the limit, points are scrolled with payload and vector. When it does
 * not, only ids are scrolled (cheap pages), a uniform seeded sample of positions is taken, and
 * just those points are fetched by id — the original took the first N in scroll order, which is
 * biased towards whatever the storage returns first.
 */
import { QdrantClient, type Schemas } from "@qdrant/js-client-rest";
import { InputError, NotFoundError } from "../errors";
import type { SourceSpec } from "../types";
import { BatchBuilder, batchSizeOf, deliver, planRead } from "./batcher";
import { QdrantCaller, type CallContext, type QdrantCallOptions } from "./qdrantCall";
import { chooseVector, denseVectorOf, type VectorChoice } from "./qdrantVectors";
import type { PointBatch, ReadOptions, SourceInfo, VectorSource } from "./source";
import { checkDims, emptySourceError } from "./validate";

export type QdrantSpec = Extract<SourceSpec, { kind: "qdrant" }>;

export interface QdrantSourceOptions extends QdrantCallOptions {
  /** Ids per page when scrolling ids only for sampling (default 10,000). */
  idPageSize?: number;
  /** Where QDRANT_API_KEY is looked up (default process.env). */
  env?: Record<string, string | undefined>;
}

type Api = ReturnType<QdrantClient["api"]>;
type PointId = Schemas["ExtendedPointId"];

/** Points of one request and their 0-based positions in scroll order. */
interface Page {
  points: Schemas["Record"][];
  rows: number[];
}

interface Connection {
  api: Api;
  /** The URL with its effective port and without credentials, query or trailing slash: what is shown and stored. */
  uri: string;
  apiKey: string | undefined;
}

export const QDRANT_DEFAULT_PORT = 6333;

export interface QdrantEndpoint {
  /** `scheme://host:port[/prefix]`, without credentials or query: what is shown and stored. */
  uri: string;
  origin: string;
  port: number;
  prefix: string;
}

/** Parses and checks a Qdrant URL. Like Qdrant's own clients, a URL without a port means 6333. */
export function qdrantEndpoint(url: string): QdrantEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`'${url.replace(/\/\/[^@/]*@/, "//***@")}' is not a valid URL; use e.g. http://localhost:6333`, "url");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new InputError(`Qdrant URL must start with http:// or https:// (got ${parsed.protocol}//…)`, "url");
  }
  const prefix = parsed.pathname.replace(/\/+$/, "");
  // `URL` drops a default port (":443" for https): look at what was typed to honour an explicit one.
  const typedPort = /^[a-z]+:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)/i.exec(url)?.[1];
  const port = typedPort !== undefined ? Number(typedPort) : QDRANT_DEFAULT_PORT;
  const origin = `${parsed.protocol}//${parsed.hostname}`;
  return { uri: `${origin}:${port}${prefix}`, origin, port, prefix };
}

/** A client that neither probes the server on construction nor prints warnings. */
function connect(url: string, apiKey: string | undefined): Connection {
  const { uri, origin, port, prefix } = qdrantEndpoint(url);
  const client = new QdrantClient({
    url: origin,
    port,
    prefix: prefix || undefined,
    // Our own per-request timeout (QdrantCaller) composes with cancellation; the client's would
    // replace the caller's AbortSignal.
    timeout: Infinity,
    checkCompatibility: false,
    // As a header rather than `apiKey`, which would also print a console warning over http.
    headers: apiKey ? { "api-key": apiKey } : undefined,
  });
  return { api: client.api(), uri, apiKey };
}

function apiKeyOf(explicit: string | undefined, env: Record<string, string | undefined>): string | undefined {
  const key = explicit ?? env.QDRANT_API_KEY;
  return key ? key : undefined;
}

/** Collection names of the server at `url`, sorted. */
export async function listQdrantCollections(url: string, apiKey?: string, options: QdrantSourceOptions = {}): Promise<string[]> {
  const connection = connect(url, apiKeyOf(apiKey, options.env ?? process.env));
  return collectionNames(connection, new QdrantCaller(options));
}

async function collectionNames(connection: Connection, caller: QdrantCaller, signal?: AbortSignal): Promise<string[]> {
  const ctx: CallContext = { uri: connection.uri, apiKey: connection.apiKey, what: "listing collections" };
  const response = await caller.call(ctx, (s) => connection.api.getCollections({}, { signal: s }), signal);
  return (response.data.result?.collections ?? []).map((c) => c.name).sort();
}

interface Described {
  info: SourceInfo;
  vector: VectorChoice;
}

export class QdrantSource implements VectorSource {
  private readonly connection: Connection;
  private readonly caller: QdrantCaller;
  private described: Promise<Described> | null = null;
  /** Shared with every SourceInfo handed out: notes added while reading (skipped points) show up there. */
  private readonly notes: string[] = [];

  constructor(
    private readonly spec: QdrantSpec,
    private readonly options: QdrantSourceOptions = {},
  ) {
    if (!spec.collection) throw new InputError("a Qdrant source needs a collection: pass --collection NAME", "collection");
    this.connection = connect(spec.url, apiKeyOf(spec.apiKey, options.env ?? process.env));
    this.caller = new QdrantCaller(options);
    if (this.connection.apiKey && this.connection.uri.startsWith("http:")) {
      this.notes.push("the API key is sent over plain http; use https for remote servers");
    }
  }

  async describe(signal?: AbortSignal): Promise<SourceInfo> {
    return (await this.loaded(signal)).info;
  }

  /** Collection info and count, fetched once (again after a failure). */
  private loaded(signal?: AbortSignal): Promise<Described> {
    if (!this.described) {
      const loading = this.load(signal);
      this.described = loading;
      loading.catch(() => {
        if (this.described === loading) this.described = null;
      });
    }
    return this.described;
  }

  read(options: ReadOptions): AsyncIterable<PointBatch> {
    return this.readBatches(options);
  }

  async search(vector: Float32Array, k: number, signal?: AbortSignal): Promise<{ id: string; score: number }[]> {
    const { vector: choice } = await this.loaded(signal);
    const response = await this.caller.call(
      this.ctx("searching nearest neighbours"),
      (s) =>
        this.connection.api.queryPoints(
          {
            collection_name: this.spec.collection,
            query: Array.from(vector),
            using: choice.name ?? undefined,
            limit: k,
            with_payload: false,
            with_vector: false,
          },
          { signal: s },
        ),
      signal,
      () => this.missingCollection(signal),
    );
    return (response.data.result?.points ?? []).map((p) => ({ id: String(p.id), score: p.score }));
  }

  async close(): Promise<void> {
    this.described = null;
  }

  private ctx(what: string): CallContext {
    return { uri: this.connection.uri, apiKey: this.connection.apiKey, what: `${what} in collection '${this.spec.collection}'` };
  }

  private async missingCollection(signal?: AbortSignal): Promise<Error> {
    let available = "";
    try {
      const names = await collectionNames(this.connection, this.caller, signal);
      available = names.length ? `Available collections: ${names.join(", ")}.` : "The server has no collections.";
    } catch {
      available = "Could not list the available collections.";
    }
    return new NotFoundError("Qdrant collection", this.spec.collection, `${available} Pass --collection NAME.`);
  }

  private async load(signal?: AbortSignal): Promise<Described> {
    const collection_name = this.spec.collection;
    const info = await this.caller.call(
      this.ctx("reading the collection info"),
      (s) => this.connection.api.getCollection({ collection_name }, { signal: s }),
      signal,
      () => this.missingCollection(signal),
    );
    const params = info.data.result?.config.params;
    if (!params) throw new InputError(`Qdrant at ${this.connection.uri} returned no configuration for collection '${collection_name}'.`, "collection");
    const vector = chooseVector(params, this.spec.vector, collection_name);
    checkDims(vector.dims, `collection '${collection_name}'`);
    const counted = await this.caller.call(
      this.ctx("counting points"),
      (s) => this.connection.api.countPoints({ collection_name, exact: true }, { signal: s }),
      signal,
      () => this.missingCollection(signal),
    );
    const count = counted.data.result?.count ?? 0;
    this.notes.push(...vector.notes);
    return {
      vector,
      info: {
        kind: "qdrant",
        uri: this.connection.uri,
        collection: collection_name,
        vectorName: vector.name,
        count,
        dims: vector.dims,
        distance: vector.distance,
        notes: this.notes,
      },
    };
  }

  private async *readBatches(options: ReadOptions): AsyncGenerator<PointBatch> {
    const { info, vector } = await this.loaded(options.signal);
    if (info.count === 0) throw emptySourceError(`Qdrant collection '${this.spec.collection}' at ${info.uri}`);
    const { expected, positions } = planRead(info.count, options.limit, options.seed);
    const batchSize = batchSizeOf(options.batchSize);
    const points = positions ? this.sampledPoints(positions, batchSize, options.signal) : this.allPoints(expected, batchSize, options.signal);
    yield* deliver(this.toBatches(points, vector, info, batchSize), expected, options);
  }

  /** Every point in scroll order, with payload and vector, `pageSize` per request. */
  private async *allPoints(expected: number, pageSize: number, signal?: AbortSignal): AsyncGenerator<Page> {
    const { name } = (await this.loaded(signal)).vector;
    let offset: PointId | undefined;
    let delivered = 0;
    while (delivered < expected) {
      const page = await this.scroll({ limit: pageSize, offset, with_payload: true, with_vector: name === null ? true : [name] }, signal);
      yield { points: page.points, rows: page.points.map((_, i) => delivered + i) };
      delivered += page.points.length;
      if (page.next_page_offset === undefined || page.next_page_offset === null || page.points.length === 0) return;
      offset = page.next_page_offset as PointId;
    }
  }

  /**
   * The points at `positions` (ascending, in scroll order): scroll ids only to find them, then
   * fetch them by id, `batchSize` per request, keeping scroll order.
   */
  private async *sampledPoints(positions: Uint32Array, batchSize: number, signal?: AbortSignal): AsyncGenerator<Page> {
    const { name } = (await this.loaded(signal)).vector;
    const ids = await this.idsAt(positions, signal);
    let gone = 0;
    for (let start = 0; start < ids.length; start += batchSize) {
      const wanted = ids.slice(start, start + batchSize);
      const response = await this.caller.call(
        this.ctx("fetching sampled points"),
        (s) =>
          this.connection.api.getPoints(
            { collection_name: this.spec.collection, ids: wanted, with_payload: true, with_vector: name === null ? true : [name] },
            { signal: s },
          ),
        signal,
        () => this.missingCollection(signal),
      );
      const byId = new Map((response.data.result ?? []).map((p) => [String(p.id), p]));
      const page: Page = { points: [], rows: [] };
      wanted.forEach((id, i) => {
        const point = byId.get(String(id));
        if (point) {
          page.points.push(point);
          page.rows.push(positions[start + i]);
        } else gone++;
      });
      if (gone > 0) this.noteOnce("deleted", `${gone} sampled point(s) were deleted while reading and are missing`);
      yield page;
    }
  }

  /** Ids at the given scroll positions, found by scrolling ids only. */
  private async idsAt(positions: Uint32Array, signal?: AbortSignal): Promise<PointId[]> {
    const ids: PointId[] = [];
    const pageSize = this.options.idPageSize ?? 10_000;
    let offset: PointId | undefined;
    let position = 0;
    let next = 0;
    while (next < positions.length) {
      const page = await this.scroll({ limit: pageSize, offset, with_payload: false, with_vector: false }, signal);
      for (const point of page.points) {
        if (next < positions.length && positions[next] === position) {
          ids.push(point.id);
          next++;
        }
        position++;
      }
      if (page.next_page_offset === undefined || page.next_page_offset === null || page.points.length === 0) break;
      offset = page.next_page_offset as PointId;
    }
    if (next < positions.length) this.noteOnce("shrunk", `the collection shrank while sampling: ${positions.length - next} sampled position(s) no longer exist`);
    return ids;
  }

  private async scroll(body: Omit<Schemas["ScrollRequest"], "offset"> & { offset?: PointId }, signal?: AbortSignal): Promise<Schemas["ScrollResult"]> {
    const response = await this.caller.call(
      this.ctx("scrolling points"),
      (s) => this.connection.api.scrollPoints({ collection_name: this.spec.collection, ...body }, { signal: s }),
      signal,
      () => this.missingCollection(signal),
    );
    return response.data.result ?? { points: [] };
  }

  private async *toBatches(pages: AsyncIterable<Page>, vector: VectorChoice, info: SourceInfo, batchSize: number): AsyncGenerator<PointBatch> {
    const where = `Qdrant collection '${this.spec.collection}'`;
    const builder = new BatchBuilder(info.dims, batchSize, where);
    let skipped = 0;
    for await (const page of pages) {
      for (let i = 0; i < page.points.length; i++) {
        const point = page.points[i];
        const row = page.rows[i];
        const values = denseVectorOf(point.vector, vector.name);
        if (values === null) {
          skipped++;
          continue;
        }
        const batch = builder.add(String(point.id), row, values, 0, values.length, point.payload ?? {});
        if (batch) yield batch;
      }
    }
    const last = builder.flush();
    if (last) yield last;
    if (skipped > 0) this.noteOnce("novector", `${skipped} point(s) without ${vector.name === null ? "a vector" : `vector '${vector.name}'`} skipped`);
  }

  private readonly noted = new Map<string, number>();

  /** Adds or replaces the note of a kind, so re-reading does not pile up duplicates. */
  private noteOnce(kind: string, text: string): void {
    const at = this.noted.get(kind);
    if (at === undefined) {
      this.noted.set(kind, this.notes.length);
      this.notes.push(text);
    } else this.notes[at] = text;
  }
}
