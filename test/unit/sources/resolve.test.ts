import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../../shared/src/errors";
import { FlatBinSource } from "../../../shared/src/sources/flatbin";
import { NpySource } from "../../../shared/src/sources/npy";
import { QdrantSource } from "../../../shared/src/sources/qdrant";
import { openSource, parseSourceArgument } from "../../../shared/src/sources/resolve";
import { TabularSource } from "../../../shared/src/sources/tabular";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "embedscope-resolve-"));
  writeFileSync(path.join(dir, "v.parquet"), "");
  writeFileSync(path.join(dir, "v.npy"), "");
  writeFileSync(path.join(dir, "p.jsonl"), "");
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error("expected an InputError");
}

describe("parseSourceArgument", () => {
  it("recognises demo, Qdrant URLs and file paths", () => {
    expect(parseSourceArgument("demo")).toEqual({ kind: "demo" });
    expect(parseSourceArgument("http://localhost:6333", { collection: "docs" })).toEqual({ kind: "qdrant", url: "http://localhost:6333", collection: "docs" });
    expect(parseSourceArgument("https://q.example.com", { collection: "docs", vector: "text" })).toEqual({
      kind: "qdrant",
      url: "https://q.example.com",
      collection: "docs",
      vector: "text",
    });
    const relative = path.relative(process.cwd(), path.join(dir, "v.parquet"));
    expect(parseSourceArgument(relative, { vectorColumn: "emb", idColumn: "key" })).toEqual({
      kind: "file",
      path: path.join(dir, "v.parquet"),
      vectorColumn: "emb",
      idColumn: "key",
    });
    expect(parseSourceArgument(path.join(dir, "v.npy"), { payloadPath: path.relative(process.cwd(), path.join(dir, "p.jsonl")) })).toEqual({
      kind: "file",
      path: path.join(dir, "v.npy"),
      payloadPath: path.join(dir, "p.jsonl"),
    });
  });

  it("asks for a collection with a Qdrant URL, without echoing credentials", () => {
    const err = thrown(() => parseSourceArgument("http://admin:hunter2@localhost:6333?api_key=abc"));
    expect(err.message).toContain("pass --collection NAME");
    expect(err.message).not.toContain("hunter2");
    expect(err.message).not.toContain("abc");
  });

  it("refuses missing files, other URL schemes and an empty argument", () => {
    expect(thrown(() => parseSourceArgument(path.join(dir, "nope.parquet"))).message).toContain(`${path.join(dir, "nope.parquet")} does not exist`);
    expect(thrown(() => parseSourceArgument("s3://bucket/vectors.parquet")).message).toContain("not a supported source");
    expect(thrown(() => parseSourceArgument(undefined)).message).toContain("no source given");
    expect(thrown(() => parseSourceArgument("  ")).message).toContain("no source given");
  });
});

describe("openSource", () => {
  it("opens the reader for each kind of source", () => {
    expect(openSource({ kind: "demo" })).toBeInstanceOf(FlatBinSource);
    expect(openSource({ kind: "file", path: path.join(dir, "v.parquet") })).toBeInstanceOf(TabularSource);
    expect(openSource({ kind: "file", path: path.join(dir, "v.npy") })).toBeInstanceOf(NpySource);
    expect(openSource({ kind: "qdrant", url: "http://localhost:6333", collection: "c" })).toBeInstanceOf(QdrantSource);
  });

  it("fails early on a missing file or a bad Qdrant URL", () => {
    expect(thrown(() => openSource({ kind: "file", path: path.join(dir, "gone.csv") })).message).toContain("gone.csv: it does not exist");
    expect(thrown(() => openSource({ kind: "qdrant", url: "localhost:6333", collection: "c" })).message).toMatch(/http:\/\/ or https:\/\//);
    expect(thrown(() => openSource({ kind: "file", path: path.join(dir, "v.npy"), payloadPath: path.join(dir, "none.jsonl") })).message).toContain("does not exist");
  });
});
