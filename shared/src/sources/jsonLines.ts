/**
 * JSON Lines files read as a stream (records.jsonl of the flat layout, payload sidecars): count the
 * records, or parse only the records at the wanted positions. Blank lines are not records, and the
 * last line may lack its newline.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { InputError, throwIfAborted } from "../errors";
import { unreadableFileError } from "./rowfile";

/** Blank as countJsonLines sees it: only spaces, tabs and carriage returns. */
const BLANK = /^[ \t\r]*$/;

async function* nonBlankLines(path: string): AsyncGenerator<{ line: string; lineNumber: number }> {
  const stream = createReadStream(path, { encoding: "utf8" });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", reject);
  });
  try {
    await opened;
  } catch (err) {
    stream.destroy();
    throw unreadableFileError(path, err);
  }
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (BLANK.test(line)) continue;
      yield { line, lineNumber };
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** Number of non-blank lines, counted on raw bytes (no per-line strings: ~10× faster than readline). */
export async function countJsonLines(path: string, signal?: AbortSignal): Promise<number> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let count = 0;
  let lineHasContent = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      throwIfAborted(signal);
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (byte === 0x0a) {
          if (lineHasContent) count++;
          lineHasContent = false;
        } else if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) lineHasContent = true;
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) throw unreadableFileError(path, err);
    throw err;
  } finally {
    stream.destroy();
  }
  return lineHasContent ? count + 1 : count;
}

export function parseJsonLine(line: string, path: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch (err) {
    throw new InputError(`${path} line ${lineNumber} is not valid JSON (${(err as Error).message}); fix or remove that line.`, "source");
  }
}

/**
 * Parses the records at `positions` (ascending, 0-based record numbers), or all records when null.
 * Returns them in order plus the total number of records seen.
 */
export async function loadJsonLines(
  path: string,
  positions: Uint32Array | null,
  signal?: AbortSignal,
): Promise<{ records: unknown[]; total: number }> {
  const records: unknown[] = [];
  let row = 0;
  let next = 0;
  for await (const { line, lineNumber } of nonBlankLines(path)) {
    if (positions === null) records.push(parseJsonLine(line, path, lineNumber));
    else if (next < positions.length && positions[next] === row) {
      records.push(parseJsonLine(line, path, lineNumber));
      next++;
    }
    row++;
    if ((row & 0x3fff) === 0) throwIfAborted(signal);
  }
  return { records, total: row };
}
