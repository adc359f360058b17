/**
 * Finding a chunk inside its source file, and the file of a chunk's path among workspace files.
 * Chunkers trim, re-wrap and strip markup, so an exact substring is tried first and then the
 * chunk's first lines, compared with whitespace collapsed.
 */
import path from "node:path";

export interface ChunkLocation {
  /** Zero-based line and character of the chunk's start. */
  line: number;
  character: number;
  /** Zero-based last line the chunk covers (for the selection). */
  endLine: number;
  /** How the chunk was found: the whole text, or only its first lines. */
  match: "exact" | "lines";
}

const MIN_LINE_LENGTH = 3;
const LINES_COMPARED = 6;

function normalize(line: string): string {
  return line.replace(/\s+/g, " ").trim();
}

function positionOf(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

export function locateChunk(fileText: string, chunkText: string): ChunkLocation | null {
  const chunk = chunkText.trim();
  if (chunk === "") return null;
  const exact = fileText.indexOf(chunk);
  if (exact >= 0) {
    const start = positionOf(fileText, exact);
    const end = positionOf(fileText, exact + chunk.length);
    return { ...start, endLine: end.line, match: "exact" };
  }

  const wanted = chunk
    .split(/\r?\n/)
    .map(normalize)
    .filter((l) => l.length >= MIN_LINE_LENGTH)
    .slice(0, LINES_COMPARED);
  if (wanted.length === 0) return null;
  const fileLines = fileText.split(/\r?\n/);
  const normalized = fileLines.map(normalize);

  // Score each line that contains the chunk's first line by how many following chunk lines appear
  // in order after it; the best score wins, the earliest on ties.
  let best: { line: number; score: number; endLine: number } | null = null;
  for (let i = 0; i < normalized.length; i++) {
    if (normalized[i].length < MIN_LINE_LENGTH || !normalized[i].includes(wanted[0])) continue;
    let score = 1;
    let cursor = i + 1;
    let endLine = i;
    for (let w = 1; w < wanted.length; w++) {
      for (let j = cursor; j < Math.min(normalized.length, cursor + 8); j++) {
        if (normalized[j].includes(wanted[w])) {
          score++;
          endLine = j;
          cursor = j + 1;
          break;
        }
      }
    }
    if (!best || score > best.score) best = { line: i, score, endLine };
    if (score === wanted.length) break;
  }
  if (!best) return null;
  const character = Math.max(0, fileLines[best.line].indexOf(fileLines[best.line].trimStart()));
  return { line: best.line, character, endLine: best.endLine, match: "lines" };
}

/**
 * Local paths a chunk's `path` may refer to: itself when absolute (or a file: URI), else joined to
 * each workspace root. Remote URLs have no local file.
 */
export function chunkPathCandidates(chunkPath: string, roots: readonly string[]): string[] {
  const p = chunkPath.trim();
  if (p === "") return [];
  if (/^file:\/\//i.test(p)) {
    try {
      return [decodeURIComponent(new URL(p).pathname)];
    } catch {
      return [];
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return [];
  if (path.isAbsolute(p)) return [p];
  const relative = p.replace(/^\.?[\\/]+/, "");
  return roots.map((root) => path.join(root, relative));
}

/**
 * Among files found by name, the one whose path shares the longest tail of folders with the
 * chunk's path (e.g. `docs/guide/intro.md` prefers `…/docs/guide/intro.md` to `…/old/intro.md`).
 */
export function bestSuffixMatch(chunkPath: string, files: readonly string[]): string | null {
  const want = chunkPath.split(/[\\/]+/).filter(Boolean);
  const name = want[want.length - 1];
  if (!name) return null;
  let best: string | null = null;
  let bestScore = 0;
  for (const file of files) {
    const have = file.split(/[\\/]+/).filter(Boolean);
    if (have[have.length - 1] !== name) continue;
    let score = 0;
    while (score < want.length && score < have.length && want[want.length - 1 - score] === have[have.length - 1 - score]) score++;
    if (score > bestScore || (score === bestScore && best !== null && file.length < best.length)) {
      best = file;
      bestScore = score;
    }
  }
  return best;
}
