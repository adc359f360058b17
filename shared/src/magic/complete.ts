/** Completion and inline help for cell commands (Jupyter complete/inspect requests, VS Code completion). */
import { CELL_COMMANDS, commandHelp, findCommand, generalHelp } from "./spec";

export interface CompletionContext {
  /** Run ids (full) for <run> positionals. */
  runIds?: () => Promise<string[]>;
  /** Qdrant collection names for collection=. */
  collections?: () => Promise<string[]>;
}

export interface Completion {
  matches: string[];
  /** Offsets into the whole cell text of the word being replaced. */
  start: number;
  end: number;
}

function locate(text: string, cursor: number): { lineStart: number; before: string } {
  const lineStart = text.lastIndexOf("\n", cursor - 1) + 1;
  return { lineStart, before: text.slice(lineStart, cursor) };
}

export async function completeCell(text: string, cursor: number, ctx: CompletionContext = {}): Promise<Completion> {
  const { before } = locate(text, cursor);
  const wordMatch = /[^\s]*$/.exec(before);
  const word = wordMatch ? wordMatch[0] : "";
  const start = cursor - word.length;
  const words = before.trim().split(/\s+/).filter(Boolean);
  const isFirst = words.length === 0 || (words.length === 1 && word !== "");
  const done = (matches: string[], from = start): Completion => ({ matches: [...new Set(matches)].sort(), start: from, end: cursor });

  if (isFirst) {
    const typed = word.replace(/^%*/, "");
    return done(CELL_COMMANDS.filter((c) => c.name.startsWith(typed)).map((c) => `%${c.name}`));
  }
  const def = findCommand(words[0].replace(/^%*/, ""));
  if (!def) return done([]);

  const eq = word.indexOf("=");
  if (eq >= 0) {
    const key = word.slice(0, eq);
    const valuePrefix = word.slice(eq + 1);
    const opt = def.options[key];
    const valueStart = start + eq + 1;
    if (!opt) return done([], valueStart);
    if (opt.type.kind === "enum") return done(opt.type.values.filter((v) => v.startsWith(valuePrefix)), valueStart);
    if (key === "collection" && ctx.collections) {
      const names = await ctx.collections().catch(() => []);
      return done(names.filter((n) => n.startsWith(valuePrefix)), valueStart);
    }
    if ((key === "color_by" || key === "by") && valuePrefix.length >= 0) {
      return done(["document_id", "source_dir", "filetype", "age_bucket"].filter((v) => v.startsWith(valuePrefix)), valueStart);
    }
    return done([], valueStart);
  }

  // Which positional is being typed: count earlier non-option words.
  const earlier = words.slice(1, word ? -1 : undefined).filter((w) => !w.includes("="));
  const positional = def.positionals[earlier.length];
  const matches: string[] = [];
  if (positional?.complete === "runs" && ctx.runIds) {
    const ids = await ctx.runIds().catch(() => []);
    matches.push(...ids.filter((id) => id.startsWith(word)));
  } else if (positional?.complete === "commands") {
    matches.push(...CELL_COMMANDS.map((c) => c.name).filter((n) => n.startsWith(word)));
  } else if (positional?.complete === "sources" && "demo".startsWith(word) && word !== "") {
    matches.push("demo");
  }
  const used = new Set(words.slice(1).map((w) => w.split("=")[0]));
  matches.push(
    ...Object.keys(def.options)
      .filter((k) => k.startsWith(word) && !used.has(k))
      .map((k) => `${k}=`),
  );
  return done(matches);
}

/** Help for the command on the cursor's line (Jupyter inspect_request, hovers). */
export function inspectCell(text: string, cursor: number): string | null {
  const { lineStart } = locate(text, cursor);
  const lineEnd = text.indexOf("\n", cursor);
  const line = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).trim();
  if (!line) return generalHelp();
  const def = findCommand(line.split(/\s+/)[0].replace(/^%*/, ""));
  return def ? commandHelp(def) : null;
}
