// The expected values in this file were produced by running the ORIGINAL Python functions
// (packages/webui/tasks/projection.py: _derive_category_label, _extract_source_dir, _extract_filetype, _extract_age_bucket) under Python 3.11 over these inputs; they are
// hard-coded so no Python runs at test time. Regenerate the same way if the inputs change.
import { describe, expect, it } from "vitest";
import {
  ageBucketOf,
  documentIdentifier,
  documentLabel,
  extractPointColumns,
  fileType,
  sourceDir,
  UNKNOWN_LABEL,
} from "../../../shared/src/categories";

/** `now` of every age bucket in LABELS. */
const NOW = new Date("2025-06-15T12:00:00+00:00");

interface LabelRow {
  payload: unknown;
  document: string;
  source_dir: string;
  filetype: string;
  age: string;
}

const LABELS: LabelRow[] = [
  {"payload":{"source_path":"a/b/c.txt"},"document":"unknown","source_dir":"b","filetype":"txt","age":"unknown"},
  {"payload":{"source_path":"c.txt"},"document":"unknown","source_dir":"c.txt","filetype":"txt","age":"unknown"},
  {"payload":{"source_path":"/abs/dir/"},"document":"unknown","source_dir":"dir","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":"dir"},"document":"unknown","source_dir":"dir","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":""},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":"a/.bashrc"},"document":"unknown","source_dir":".bashrc","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":"a/b."},"document":"unknown","source_dir":"b.","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":"x.tar.gz"},"document":"unknown","source_dir":"x.tar.gz","filetype":"gz","age":"unknown"},
  {"payload":{"source_path":"/"},"document":"unknown","source_dir":"/","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":"//"},"document":"unknown","source_dir":"//","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":"///"},"document":"unknown","source_dir":"/","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":"//srv/share/f.md"},"document":"unknown","source_dir":"share","filetype":"md","age":"unknown"},
  {"payload":{"source_path":"."},"document":"unknown","source_dir":".","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":"./"},"document":"unknown","source_dir":".","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":".."},"document":"unknown","source_dir":"..","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":"a/../b/C.PDF"},"document":"unknown","source_dir":"b","filetype":"pdf","age":"unknown"},
  {"payload":{"source_path":"/c.txt"},"document":"unknown","source_dir":"c.txt","filetype":"txt","age":"unknown"},
  {"payload":{"source_path":"a//b///c.TXT"},"document":"unknown","source_dir":"b","filetype":"txt","age":"unknown"},
  {"payload":{"source_path":"a/./b/./"},"document":"unknown","source_dir":"b","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":"docs/README"},"document":"unknown","source_dir":"README","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":"a/b/.hidden.cfg"},"document":"unknown","source_dir":"b","filetype":"cfg","age":"unknown"},
  {"payload":{"source_path":"a/b/..."},"document":"unknown","source_dir":"...","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":"a/b/.."},"document":"unknown","source_dir":"..","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":"a\\b\\c.txt"},"document":"unknown","source_dir":"a\\b\\c.txt","filetype":"txt","age":"unknown"},
  {"payload":{"source_path":" spaced dir /file name.Md "},"document":"unknown","source_dir":" spaced dir ","filetype":"md ","age":"unknown"},
  {"payload":{"source_path":"ünï/cödé.Ü"},"document":"unknown","source_dir":"ünï","filetype":"ü","age":"unknown"},
  {"payload":{"source_path":"a/b/c.tar."},"document":"unknown","source_dir":"c.tar.","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":42},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":["a/b.txt"]},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":{"p":"a/b.txt"}},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":true},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":null},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":0,"path":"p/q/r.py"},"document":"unknown","source_dir":"q","filetype":"py","age":"unknown"},
  {"payload":{"source_path":"","path":"p/q/r.py"},"document":"unknown","source_dir":"q","filetype":"py","age":"unknown"},
  {"payload":{"source_path":[],"path":"p/q/r.py"},"document":"unknown","source_dir":"q","filetype":"py","age":"unknown"},
  {"payload":{"source_path":false,"path":"","metadata":{"source_path":"m/n/o.rs"}},"document":"unknown","source_dir":"n","filetype":"rs","age":"unknown"},
  {"payload":{"path":"p/q/r.py","metadata":{"source_path":"m/n/o.rs"}},"document":"unknown","source_dir":"q","filetype":"py","age":"unknown"},
  {"payload":{"metadata":{"source_path":"m/n/o.rs"}},"document":"unknown","source_dir":"n","filetype":"rs","age":"unknown"},
  {"payload":{"metadata":{"source_path":7}},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"metadata":["not","a","mapping"]},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"metadata":"m/n/o.rs"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"source_path":"s/t/u.go","path":"p/q/r.py"},"document":"unknown","source_dir":"t","filetype":"py","age":"unknown"},
  {"payload":{"mime_type":"Text/HTML"},"document":"unknown","source_dir":"unknown","filetype":"text/html","age":"unknown"},
  {"payload":{"mime_type":"APPLICATION/PDF","path":"a/b.txt"},"document":"unknown","source_dir":"a","filetype":"application/pdf","age":"unknown"},
  {"payload":{"mime_type":"","path":"a/b.TXT"},"document":"unknown","source_dir":"a","filetype":"txt","age":"unknown"},
  {"payload":{"mime_type":"","metadata":{"mime_type":"Image/PNG"}},"document":"unknown","source_dir":"unknown","filetype":"image/png","age":"unknown"},
  {"payload":{"mime_type":5,"path":"a/b.csv"},"document":"unknown","source_dir":"a","filetype":"csv","age":"unknown"},
  {"payload":{"mime_type":null,"source_path":"a/b.JSON"},"document":"unknown","source_dir":"a","filetype":"json","age":"unknown"},
  {"payload":{"mime_type":["text/plain"],"path":"a/noext"},"document":"unknown","source_dir":"noext","filetype":"unknown","age":"unknown"},
  {"payload":{"metadata":{"mime_type":"","source_path":"k/l.YAML"}},"document":"unknown","source_dir":"k","filetype":"yaml","age":"unknown"},
  {"payload":{"mime_type":"ÜBER/Type"},"document":"unknown","source_dir":"unknown","filetype":"über/type","age":"unknown"},
  {"payload":{"mime_type":0,"metadata":{"mime_type":"text/x"}},"document":"unknown","source_dir":"unknown","filetype":"text/x","age":"unknown"},
  {"payload":{"path":"a/b.","mime_type":""},"document":"unknown","source_dir":"b.","filetype":"unknown","age":"unknown"},
  {"payload":{"path":3.5,"source_path":"z/y.ts"},"document":"unknown","source_dir":"z","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":"d1","document_id":"d2"},"document":"d1","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"document_id":"d2","chunk_id":"c3"},"document":"d2","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"chunk_id":"c3","source_id":"s4"},"document":"c3","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"source_id":"s4"},"document":"s4","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":0,"document_id":"d2"},"document":"d2","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":"","document_id":"","chunk_id":"c3"},"document":"c3","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":0},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"source_id":0},"document":"0","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"source_id":""},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"source_id":false},"document":"False","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":123},"document":"123","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":-7},"document":"-7","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":1.5},"document":"1.5","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":1e-7},"document":"1e-07","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":0.0001},"document":"0.0001","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":0.000025},"document":"2.5e-05","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":true},"document":"True","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":false,"source_id":true},"document":"True","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":["a",1,null,true]},"document":"['a', 1, None, True]","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":{"k":"v","n":[1,2]}},"document":"{'k': 'v', 'n': [1, 2]}","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":"it's"},"document":"it's","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":["it's","say \"hi\"","both ' \""]},"document":"[\"it's\", 'say \"hi\"', 'both \\' \"']","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":["tab\t","nl\n","\u0001","é"," ","​","😀","\\"]},"document":"['tab\\t', 'nl\\n', '\\x01', 'é', '\\xa0', '\\u200b', '😀', '\\\\']","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":[],"document_id":{},"chunk_id":"c"},"document":"c","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"metadata":{"doc_id":"ignored"}},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"doc_id":null,"source_id":"s"},"document":"s","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"ingested_at":"2025-06-15T00:00:00Z","created_at":"2000-01-01"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤1d"},
  {"payload":{"ingested_at":"","created_at":"2025-06-10T12:00:00"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤7d"},
  {"payload":{"ingested_at":0,"created_at":"2025-06-10T12:00:00"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤7d"},
  {"payload":{"ingested_at":0},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"metadata":{"timestamp":0}},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":">1y"},
  {"payload":{"metadata":{"timestamp":false}},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":">1y"},
  {"payload":{"metadata":{"timestamp":true}},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":">1y"},
  {"payload":{"metadata":{"timestamp":""}},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"updated_at":"2025-05-01","timestamp":1700000000},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤90d"},
  {"payload":{"timestamp":1749988800},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤1d"},
  {"payload":{"timestamp":1749988800000},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤1d"},
  {"payload":{"timestamp":1749988800000000},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤1d"},
  {"payload":{"timestamp":1749988800.5},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"future"},
  {"payload":{"timestamp":-86400},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":">1y"},
  {"payload":{"timestamp":"garbage"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"timestamp":"2025-06-16T00:00:00+02:00"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"future"},
  {"payload":{"timestamp":"2025-06-16T00:00:01+00:00"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"future"},
  {"payload":{"metadata":{"ingested_at":"2025-01-01","created_at":"2025-06-15"}},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤180d"},
  {"payload":{"created_at":null,"metadata":{"updated_at":"2024-06-15T12:00:00Z"}},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤1y"},
  {"payload":{"created_at":[],"metadata":{"created_at":"2025-06-14T12:00:00Z"}},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤1d"},
  {"payload":{"created_at":["2025-06-14"]},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"created_at":{"t":1}},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":{"timestamp":"2024-06-15T12:00:00Z"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤1y"},
  {"payload":{"timestamp":"2024-06-15T11:59:59.999Z"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":">1y"},
  {"payload":{"timestamp":"2025-06-14T12:00:00Z"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤1d"},
  {"payload":{"timestamp":"2025-06-14T11:59:59.999Z"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤7d"},
  {"payload":{"timestamp":"2025-03-17T12:00:00Z"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤90d"},
  {"payload":{"timestamp":"2025-03-17T11:59:59Z"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤180d"},
  {"payload":{"timestamp":"2024-12-17T12:00:00Z"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤180d"},
  {"payload":{"timestamp":"2024-12-17T11:59:59Z"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤1y"},
  {"payload":{"timestamp":"2025-06-08T12:00:00Z"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤7d"},
  {"payload":{"timestamp":"2025-05-16T12:00:00Z"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤30d"},
  {"payload":{"timestamp":"2025-05-16T11:59:59.999Z"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"≤90d"},
  {"payload":{"timestamp":"0001-01-01"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":">1y"},
  {"payload":{"timestamp":"9999-12-31"},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"future"},
  {"payload":{},"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
];

/** Payloads that are not mappings at all. */
const NON_MAPPINGS: LabelRow[] = [
  {"payload":null,"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":[],"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":["a"],"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":"doc","document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
  {"payload":5,"document":"unknown","source_dir":"unknown","filetype":"unknown","age":"unknown"},
];

describe("colour-by labels match the original Python", () => {
  it("has a table worth the name", () => {
    expect(LABELS.length).toBeGreaterThanOrEqual(60);
  });

  it.each([...LABELS, ...NON_MAPPINGS].map((r) => [JSON.stringify(r.payload), r] as const))("%s", (_name, row) => {
    expect({
      document: documentLabel(row.payload),
      source_dir: sourceDir(row.payload),
      filetype: fileType(row.payload),
      age: ageBucketOf(row.payload, NOW),
    }).toEqual({ document: row.document, source_dir: row.source_dir, filetype: row.filetype, age: row.age });
  });
});

describe("extractPointColumns", () => {
  it("keeps the derived labels and the raw fields the selection table shows", () => {
    const cols = extractPointColumns("p-1", {
      text: "Hello world",
      document_id: "guide.md",
      chunk_index: 3,
      source_path: "docs/guides/guide.md",
      mime_type: "Text/Markdown",
      updated_at: "2025-06-14T12:00:00Z",
    });
    expect(cols).toEqual({
      point_id: "p-1",
      document_id: "guide.md",
      chunk_index: 3,
      source_path: "docs/guides/guide.md",
      path: null,
      mime_type: "Text/Markdown",
      ts: new Date("2025-06-14T12:00:00Z"),
      source_dir: "guides",
      filetype: "text/markdown",
      text: "Hello world",
    });
  });

  it("stores null where the original says unknown, so coalesce(document_id, 'unknown') is the label", () => {
    for (const row of LABELS) {
      const id = documentIdentifier(row.payload);
      expect(id ?? UNKNOWN_LABEL).toBe(row.document);
      expect(extractPointColumns("x", row.payload as Record<string, unknown>).document_id).toBe(id);
    }
  });

  it("falls back to metadata for text, paths and chunk index; ignores non-integer chunk indexes", () => {
    const cols = extractPointColumns("p-2", {
      content: "",
      metadata: { page_content: "from metadata", path: "m/x.rs", chunk_index: 9, source_path: "m/y.rs" },
    });
    expect(cols.text).toBe("from metadata");
    expect(cols.path).toBe("m/x.rs");
    expect(cols.source_path).toBe("m/y.rs");
    expect(cols.chunk_index).toBe(9);
    expect(extractPointColumns("p", { chunk_index: 1.5 }).chunk_index).toBeNull();
    expect(extractPointColumns("p", { chunk_index: "4" }).chunk_index).toBeNull();
    expect(extractPointColumns("p", { chunk_index: 2 ** 40 }).chunk_index).toBeNull();
  });

  it("never reads inherited properties of a payload", () => {
    const payload = JSON.parse('{"__proto__": {"doc_id": "evil"}, "constructor": "c"}') as Record<string, unknown>;
    expect(documentLabel(payload)).toBe(UNKNOWN_LABEL);
    expect(documentLabel({})).toBe(UNKNOWN_LABEL);
  });
});
