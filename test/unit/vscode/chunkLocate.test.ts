import path from "node:path";
import { describe, expect, test } from "vitest";
import { bestSuffixMatch, chunkPathCandidates, locateChunk } from "../../../extension/src/chunkLocate";

const FILE = ["# Guide", "", "Intro paragraph.", "", "## Deploying", "Run   the deploy", "command with --yes.", "", "## Other", "Deploying is easy."].join("\n");

describe("locateChunk", () => {
  test("an exact chunk gives its start position and last line", () => {
    expect(locateChunk(FILE, "## Deploying\nRun   the deploy")).toEqual({ line: 4, character: 0, endLine: 5, match: "exact" });
    expect(locateChunk(FILE, "paragraph.")).toEqual({ line: 2, character: 6, endLine: 2, match: "exact" });
  });

  test("re-wrapped chunks are found by their first lines, whitespace collapsed", () => {
    const chunk = "  ## Deploying \nRun the deploy\ncommand with --yes.";
    expect(locateChunk(FILE, chunk)).toEqual({ line: 4, character: 0, endLine: 6, match: "lines" });
  });

  test("when the first line repeats, the occurrence followed by the chunk's next lines wins", () => {
    const file = ["Deploying", "unrelated", "", "Deploying", "step one", "step two"].join("\n");
    expect(locateChunk(file, "Deploying\nstep one\nstep two")?.line).toBe(3);
  });

  test("no match, empty chunk or only tiny lines: null", () => {
    expect(locateChunk(FILE, "nothing like this")).toBeNull();
    expect(locateChunk(FILE, "   \n ")).toBeNull();
    expect(locateChunk("ab\ncd", "ab\ncd x")).toBeNull();
  });

  test("CRLF files", () => {
    const crlf = FILE.replace(/\n/g, "\r\n");
    expect(locateChunk(crlf, "Intro paragraph.\nnot in file")).toMatchObject({ line: 2, match: "lines" });
  });
});

describe("chunkPathCandidates", () => {
  const roots = ["/ws/a", "/ws/b"];
  test("relative paths join each workspace root", () => {
    expect(chunkPathCandidates("docs/x.md", roots)).toEqual([path.join("/ws/a", "docs/x.md"), path.join("/ws/b", "docs/x.md")]);
    expect(chunkPathCandidates("./docs/x.md", roots)[0]).toBe(path.join("/ws/a", "docs/x.md"));
  });
  test("absolute paths and file: URIs stand alone; other URLs have no local file", () => {
    expect(chunkPathCandidates("/abs/x.md", roots)).toEqual(["/abs/x.md"]);
    expect(chunkPathCandidates("file:///abs/my%20x.md", roots)).toEqual(["/abs/my x.md"]);
    expect(chunkPathCandidates("https://example.com/x.md", roots)).toEqual([]);
    expect(chunkPathCandidates("s3://bucket/x.md", roots)).toEqual([]);
    expect(chunkPathCandidates("  ", roots)).toEqual([]);
  });
});

describe("bestSuffixMatch", () => {
  test("prefers the file sharing the longest tail of folders", () => {
    const files = ["/ws/old/intro.md", "/ws/docs/guide/intro.md", "/ws/guide/intro.md"];
    expect(bestSuffixMatch("export/docs/guide/intro.md", files)).toBe("/ws/docs/guide/intro.md");
    expect(bestSuffixMatch("C:\\data\\guide\\intro.md", files)).toBe("/ws/guide/intro.md");
  });
  test("a different file name never matches", () => {
    expect(bestSuffixMatch("docs/intro.md", ["/ws/docs/outro.md"])).toBeNull();
    expect(bestSuffixMatch("", ["/ws/a.md"])).toBeNull();
  });
});
