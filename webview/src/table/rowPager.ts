/**
 * Lazy pages of a selection's chunk rows: the table asks for the slice it shows, the pager fetches
 * whole pages through `select` (one request per page), keeps a bounded cache and drops requests for
 * pages scrolled far away. DOM-free.
 */
import type { ChunkRow, SelectionResult } from "../../../shared/src/types";

export type FetchRows = (rows: Uint32Array, signal: AbortSignal) => Promise<SelectionResult>;

type PageState = { kind: "loading"; controller: AbortController } | { kind: "data"; rows: Map<number, ChunkRow> } | { kind: "error"; message: string };

export interface PagerOptions {
  pageSize?: number;
  /** Pages kept in memory. */
  maxPages?: number;
  /** Concurrent page requests. */
  maxInflight?: number;
}

export class RowPager {
  readonly pageSize: number;
  private readonly maxPages: number;
  private readonly maxInflight: number;
  private readonly pages = new Map<number, PageState>();
  private readonly listeners = new Set<() => void>();
  private wanted: [number, number] = [0, 0];
  private disposed = false;

  constructor(
    readonly rows: Uint32Array,
    private readonly fetchRows: FetchRows,
    options: PagerOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 100;
    this.maxPages = options.maxPages ?? 50;
    this.maxInflight = options.maxInflight ?? 3;
  }

  get length(): number {
    return this.rows.length;
  }

  /** The row at a table position: data, a placeholder while loading, or the page's error. */
  rowAt(position: number): { kind: "data"; row: ChunkRow } | { kind: "missing" } | { kind: "loading" } | { kind: "error"; message: string } {
    const page = this.pages.get(Math.floor(position / this.pageSize));
    if (!page || page.kind === "loading") return { kind: "loading" };
    if (page.kind === "error") return page;
    const row = page.rows.get(this.rows[position]);
    return row ? { kind: "data", row } : { kind: "missing" };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Makes sure positions [from, to) get loaded; pages outside a margin around them are let go. */
  ensure(from: number, to: number): void {
    if (this.disposed || this.rows.length === 0) return;
    const first = Math.max(0, Math.floor(from / this.pageSize));
    const last = Math.min(Math.ceil(this.rows.length / this.pageSize) - 1, Math.floor(Math.max(from, to - 1) / this.pageSize));
    this.wanted = [first, last];
    for (const [index, page] of this.pages) {
      if (page.kind === "loading" && (index < first - 1 || index > last + 1)) {
        page.controller.abort();
        this.pages.delete(index);
      }
    }
    for (let p = first; p <= last; p++) this.load(p);
    this.evict();
  }

  /** Retries pages that failed (e.g. after a reconnect). */
  retry(): void {
    for (const [index, page] of this.pages) if (page.kind === "error") this.pages.delete(index);
    this.ensure(this.wanted[0] * this.pageSize, (this.wanted[1] + 1) * this.pageSize);
  }

  dispose(): void {
    this.disposed = true;
    for (const page of this.pages.values()) if (page.kind === "loading") page.controller.abort();
    this.pages.clear();
    this.listeners.clear();
  }

  private inflight(): number {
    let n = 0;
    for (const page of this.pages.values()) if (page.kind === "loading") n++;
    return n;
  }

  private load(index: number): void {
    if (this.pages.has(index) || this.inflight() >= this.maxInflight) return;
    const controller = new AbortController();
    this.pages.set(index, { kind: "loading", controller });
    const slice = this.rows.subarray(index * this.pageSize, Math.min(this.rows.length, (index + 1) * this.pageSize));
    this.fetchRows(slice.slice(), controller.signal).then(
      (result) => {
        if (this.disposed || this.pages.get(index)?.kind !== "loading") return;
        const rows = new Map<number, ChunkRow>();
        for (const r of result.rows) rows.set(r.row, r);
        this.pages.set(index, { kind: "data", rows });
        this.afterSettle();
      },
      (err: unknown) => {
        if (this.disposed || controller.signal.aborted) return;
        this.pages.set(index, { kind: "error", message: err instanceof Error ? err.message : String(err) });
        this.afterSettle();
      },
    );
  }

  private afterSettle(): void {
    for (const l of [...this.listeners]) l();
    // Pages that waited for a free request slot.
    for (let p = this.wanted[0]; p <= this.wanted[1]; p++) this.load(p);
  }

  private evict(): void {
    if (this.pages.size <= this.maxPages) return;
    const [first, last] = this.wanted;
    const far = [...this.pages.keys()]
      .filter((i) => i < first || i > last)
      .sort((a, b) => Math.abs(b - first) - Math.abs(a - first));
    for (const i of far) {
      if (this.pages.size <= this.maxPages) break;
      const page = this.pages.get(i);
      if (page?.kind === "loading") page.controller.abort();
      this.pages.delete(i);
    }
  }
}
