import { describe, expect, it } from "vitest";
import { CellError, cellCompleteness, parseCell, tokenize } from "../../../shared/src/magic/parse";
import { completeCell, inspectCell } from "../../../shared/src/magic/complete";

describe("tokenize", () => {
  it("splits words, keeps quoted groups, stops at comments", () => {
    const t = tokenize(`%project "my file.parquet" label='a "b"' x=1 # note`, 0);
    expect(t.map((x) => x.text)).toEqual(["%project", "my file.parquet", 'label=a "b"', "x=1"]);
    expect(t[2]).toMatchObject({ key: "label", value: 'a "b"' });
    expect(t[1].span).toEqual({ line: 0, start: 9, end: 26 });
  });
  it("does not split key=value inside quotes", () => {
    expect(tokenize(`%project "a=b.parquet"`, 0)[1].key).toBeUndefined();
  });
});

describe("parseCell: good commands", () => {
  const cases: [string, string, Record<string, unknown>, string[]][] = [
    ["%project demo reducer=umap color_by=filetype", "project", { reducer: "umap", color_by: "filetype" }, ["demo"]],
    ["%project collection=docs reducer=tsne perplexity=50 sample=20000", "project", { collection: "docs", reducer: "tsne", perplexity: 50, sample: 20000 }, []],
    ["%project ./v.parquet vector_column=embedding reducer=PCA", "project", { vector_column: "embedding", reducer: "pca" }, ["./v.parquet"]],
    ["%runs", "runs", {}, []],
    ["  %show 3f2a  ", "show", {}, ["3f2a"]],
    ["%color 3f2a by=age_bucket", "color", { by: "age_bucket" }, ["3f2a"]],
    ["%similar 3f2a 12 k=10", "similar", { k: 10 }, ["3f2a", "12"]],
    ["%export 3f2a format=parquet out=points.parquet", "export", { format: "parquet", out: "points.parquet" }, ["3f2a"]],
    ["%%help project", "help", {}, ["project"]],
    ["%project demo learning_rate=auto", "project", { learning_rate: "auto" }, ["demo"]],
  ];
  it.each(cases)("%s", (text, name, options, positionals) => {
    const [cmd] = parseCell(text);
    expect(cmd.def.name).toBe(name);
    expect(Object.fromEntries(Object.entries(cmd.options).map(([k, v]) => [k, v.value]))).toEqual(options);
    expect(cmd.positionals.map((p) => p.value)).toEqual(positionals);
  });

  it("reads several commands, skipping blank lines and comments", () => {
    const cmds = parseCell("# first\n%runs\n\n%help\n");
    expect(cmds.map((c) => [c.def.name, c.line])).toEqual([
      ["runs", 1],
      ["help", 3],
    ]);
  });
});

describe("parseCell: bad commands point at the offending word", () => {
  const cases: [string, RegExp, [number, number]][] = [
    ["%projct demo", /unknown command '%projct'; did you mean %project\?/, [0, 7]],
    ["project demo", /a command starts with %/, [0, 7]],
    ["%project demo perplexty=30", /unknown option 'perplexty' for %project; did you mean 'perplexity'\?/, [14, 23]],
    ["%project demo reducer=umapp", /reducer must be one of pca, umap, tsne \(got 'umapp'\); did you mean 'umap'\?/, [22, 27]],
    ["%project demo n_neighbors=1", /n_neighbors must be >= 2 \(got 1\)/, [26, 27]],
    ["%project demo sample=lots", /sample must be a whole number \(got 'lots'\)/, [21, 25]],
    ["%project demo min_dist=", /min_dist= needs a value/, [23, 23]],
    ["%project demo extra", /too many arguments/, [14, 19]],
    ["%runs now", /%runs takes no arguments \(got 'now'\)/, [6, 9]],
    ["%runs x=1", /%runs takes no options/, [6, 7]],
    ["%show", /%show needs <run>/, [5, 6]],
    ['%project "demo', /this quote is never closed/, [9, 14]],
    ["%similar r1 5 k=1 k=2", /option 'k' is given twice/, [18, 21]],
    ["", /the cell has no command/, [0, 0]],
  ];
  it.each(cases)("%s", (text, message, [start, end]) => {
    let error: unknown;
    try {
      parseCell(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CellError);
    const e = error as CellError;
    expect(e.message).toMatch(message);
    expect([e.span.start, e.span.end]).toEqual([start, end]);
    expect(e.pretty().split("\n")[1]).toBe(" ".repeat(start) + "^".repeat(Math.max(1, end - start)));
  });
});

describe("completion, inspection, completeness", () => {
  it("completes command names", async () => {
    expect((await completeCell("%pr", 3)).matches).toEqual(["%project"]);
    expect((await completeCell("%s", 2)).matches).toEqual(["%show", "%similar"]);
  });
  it("completes option names and enum values", async () => {
    const opts = await completeCell("%project demo per", 17);
    expect(opts).toEqual({ matches: ["perplexity="], start: 14, end: 17 });
    const values = await completeCell("%project demo reducer=u", 23);
    expect(values).toEqual({ matches: ["umap"], start: 22, end: 23 });
    const used = await completeCell("%project demo reducer=umap ", 27);
    expect(used.matches).not.toContain("reducer=");
    expect(used.matches).toContain("n_neighbors=");
  });
  it("completes run ids and collections from the context", async () => {
    const ctx = { runIds: async () => ["3f2a0000", "3f99aaaa", "abcd"], collections: async () => ["docs", "faq"] };
    expect((await completeCell("%show 3f", 8, ctx)).matches).toEqual(["3f2a0000", "3f99aaaa"]);
    expect((await completeCell("%project collection=d", 21, ctx)).matches).toEqual(["docs"]);
  });
  it("explains the command under the cursor", () => {
    expect(inspectCell("%project demo", 3)).toMatch(/^%project \[source\]/);
    expect(inspectCell("", 0)).toMatch(/Embedscope cell commands/);
    expect(inspectCell("%nope", 2)).toBeNull();
  });
  it("says whether a cell is complete", () => {
    expect(cellCompleteness("%runs")).toBe("complete");
    expect(cellCompleteness('%project "demo')).toBe("incomplete");
    expect(cellCompleteness("%nope")).toBe("invalid");
  });
});
