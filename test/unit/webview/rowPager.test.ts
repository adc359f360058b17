import { describe, expect, it } from "vitest";
import type { SelectionResult } from "../../../shared/src/types";
import { RowPager } from "../../../webview/src/table/rowPager";

interface Call {
  rows: number[];
  signal: AbortSignal;
  resolve: (r: SelectionResult) => void;
  reject: (e: Error) => void;
}

function fakeHost() {
  const calls: Call[] = [];
  const fetch = (rows: Uint32Array, signal: AbortSignal) =>
    new Promise<SelectionResult>((resolve, reject) => calls.push({ rows: Array.from(rows), signal, resolve, reject }));
  const answer = (call: Call, skip: number[] = []) =>
    call.resolve({
      rows: call.rows.filter((r) => !skip.includes(r)).map((r) => ({ row: r, point_id: `p${r}`, document_id: null, chunk_index: null, text_preview: `text ${r}`, file_name: null, path: null, mime_type: null })),
      missing: skip,
      degraded: false,
    });
  return { calls, fetch, answer };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("RowPager", () => {
  it("fetches only the pages shown, one request per page, and maps rows by index", async () => {
    const host = fakeHost();
    const rows = Uint32Array.from({ length: 100_000 }, (_, i) => i * 3);
    const pager = new RowPager(rows, host.fetch, { pageSize: 100 });
    let changes = 0;
    pager.onChange(() => changes++);
    pager.ensure(250, 280);
    expect(host.calls.map((c) => [c.rows[0], c.rows.length])).toEqual([[600, 100]]);
    expect(pager.rowAt(260)).toEqual({ kind: "loading" });
    host.answer(host.calls[0], [780]);
    await tick();
    expect(changes).toBe(1);
    expect(pager.rowAt(250)).toMatchObject({ kind: "data", row: { row: 750, text_preview: "text 750" } });
    expect(pager.rowAt(260)).toEqual({ kind: "missing" });
    pager.ensure(250, 280);
    expect(host.calls.length).toBe(1);
  });

  it("limits concurrent requests and continues when one settles", async () => {
    const host = fakeHost();
    const pager = new RowPager(Uint32Array.from({ length: 1000 }, (_, i) => i), host.fetch, { pageSize: 10, maxInflight: 2 });
    pager.ensure(0, 40);
    expect(host.calls.length).toBe(2);
    host.answer(host.calls[0]);
    await tick();
    expect(host.calls.length).toBe(3);
    expect(host.calls[2].rows[0]).toBe(20);
  });

  it("aborts requests for pages scrolled far away", () => {
    const host = fakeHost();
    const pager = new RowPager(Uint32Array.from({ length: 10_000 }, (_, i) => i), host.fetch, { pageSize: 100 });
    pager.ensure(0, 50);
    pager.ensure(5000, 5050);
    expect(host.calls[0].signal.aborted).toBe(true);
    expect(host.calls[1].rows[0]).toBe(5000);
  });

  it("shows a page's error and retries it on demand", async () => {
    const host = fakeHost();
    const pager = new RowPager(Uint32Array.of(1, 2, 3), host.fetch, { pageSize: 10 });
    pager.ensure(0, 3);
    host.calls[0].reject(new Error("socket closed"));
    await tick();
    expect(pager.rowAt(1)).toEqual({ kind: "error", message: "socket closed" });
    pager.retry();
    expect(host.calls.length).toBe(2);
  });

  it("keeps a bounded number of pages", async () => {
    const host = fakeHost();
    const pager = new RowPager(Uint32Array.from({ length: 10_000 }, (_, i) => i), host.fetch, { pageSize: 10, maxPages: 3, maxInflight: 1 });
    for (const start of [0, 100, 200, 300, 400]) {
      pager.ensure(start, start + 5);
      host.answer(host.calls[host.calls.length - 1]);
      await tick();
    }
    expect(pager.rowAt(400).kind).toBe("data");
    expect(pager.rowAt(0).kind).toBe("loading");
  });

  it("stops delivering after dispose", async () => {
    const host = fakeHost();
    const pager = new RowPager(Uint32Array.of(1), host.fetch);
    let changes = 0;
    pager.onChange(() => changes++);
    pager.ensure(0, 1);
    pager.dispose();
    expect(host.calls[0].signal.aborted).toBe(true);
    host.answer(host.calls[0]);
    await tick();
    expect(changes).toBe(0);
  });
});
