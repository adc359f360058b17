/**
 * Parses cell text into commands, once for every host. Errors carry the line and column span of
 * the offending word so hosts can point at it.
 */
import { InputError } from "../errors";
import { closest } from "../params";
import { CELL_COMMANDS, findCommand, type CommandDef, type OptionDef } from "./spec";

export interface Span {
  line: number;
  start: number;
  end: number;
}

export interface Token {
  text: string;
  span: Span;
  /** For key=value tokens. */
  key?: string;
  value?: string;
  valueStart?: number;
  /** The token was still inside an open quote at the end of the line. */
  unterminated?: boolean;
}

export interface ParsedCommand {
  def: CommandDef;
  positionals: { value: string; span: Span }[];
  options: Record<string, { value: string | number; span: Span }>;
  line: number;
  text: string;
}

/** A syntax or validation error, pointing at a word of the cell. */
export class CellError extends InputError {
  constructor(
    message: string,
    readonly span: Span,
    readonly lineText: string,
  ) {
    super(message);
  }

  /** The line, a caret under the offending word, the message. */
  pretty(): string {
    const width = Math.max(1, this.span.end - this.span.start);
    return `${this.lineText}\n${" ".repeat(this.span.start)}${"^".repeat(width)}\n${this.message}`;
  }
}

/** Splits one line into tokens; quotes ("…" or '…') group words, backslash escapes inside quotes. */
export function tokenize(lineText: string, line: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < lineText.length) {
    while (i < lineText.length && /\s/.test(lineText[i])) i++;
    if (i >= lineText.length || lineText[i] === "#") break;
    const start = i;
    let text = "";
    let quote: string | null = null;
    let key: string | undefined;
    let valueStart: number | undefined;
    for (; i < lineText.length; i++) {
      const ch = lineText[i];
      if (quote) {
        if (ch === "\\" && i + 1 < lineText.length) text += lineText[++i];
        else if (ch === quote) quote = null;
        else text += ch;
        continue;
      }
      if (/\s/.test(ch)) break;
      if (ch === '"' || ch === "'") quote = ch;
      else if (ch === "=" && key === undefined && /^[A-Za-z_][\w-]*$/.test(text)) {
        key = text;
        text += ch;
        valueStart = i + 1;
      } else text += ch;
    }
    const token: Token = { text, span: { line, start, end: i } };
    if (quote) token.unterminated = true;
    if (key !== undefined) {
      token.key = key;
      token.value = text.slice(key.length + 1);
      token.valueStart = valueStart;
    }
    tokens.push(token);
  }
  return tokens;
}

export function parseCell(source: string): ParsedCommand[] {
  const lines = source.split(/\r?\n/);
  const commands: ParsedCommand[] = [];
  lines.forEach((lineText, line) => {
    const tokens = tokenize(lineText, line);
    if (tokens.length === 0) return;
    commands.push(parseCommand(tokens, lineText, line));
  });
  if (commands.length === 0) {
    throw new CellError("the cell has no command; try %help", { line: 0, start: 0, end: 0 }, lines[0] ?? "");
  }
  return commands;
}

function parseCommand(tokens: Token[], lineText: string, line: number): ParsedCommand {
  const fail = (message: string, span: Span): never => {
    throw new CellError(message, span, lineText);
  };
  const [head, ...rest] = tokens;
  for (const t of tokens) if (t.unterminated) fail("this quote is never closed", t.span);
  const name = head.text.replace(/^%{1,2}/, "");
  if (!head.text.startsWith("%")) {
    fail(`a command starts with % (e.g. %project demo); '${head.text}' does not`, head.span);
  }
  const def = findCommand(name);
  if (!def) {
    const guess = closest(name, CELL_COMMANDS.map((c) => c.name));
    fail(`unknown command '%${name}'${guess ? `; did you mean %${guess}?` : ""} (%help lists them)`, head.span);
  }
  const cmd = def as CommandDef;
  const positionals: ParsedCommand["positionals"] = [];
  const options: ParsedCommand["options"] = {};
  for (const t of rest) {
    if (t.key !== undefined) {
      // key=value is always an option; quote a path that contains '=' ("a=b.parquet").
      const opt = cmd.options[t.key];
      if (!opt) {
        const names = Object.keys(cmd.options);
        const guess = closest(t.key, names);
        fail(
          names.length === 0
            ? `%${cmd.name} takes no options`
            : `unknown option '${t.key}' for %${cmd.name}${guess ? `; did you mean '${guess}'?` : ""}`,
          { line, start: t.span.start, end: t.span.start + t.key.length },
        );
      }
      if (t.key in options) fail(`option '${t.key}' is given twice`, t.span);
      const valueSpan = { line, start: t.valueStart ?? t.span.start, end: t.span.end };
      options[t.key] = { value: convert(t.key, t.value ?? "", opt, (m) => fail(m, valueSpan)), span: t.span };
    } else {
      if (positionals.length >= cmd.positionals.length) {
        fail(
          cmd.positionals.length === 0
            ? `%${cmd.name} takes no arguments (got '${t.text}')`
            : `too many arguments: %${cmd.name} takes ${cmd.positionals.map((p) => `<${p.name}>`).join(" ")}`,
          t.span,
        );
      }
      positionals.push({ value: t.text, span: t.span });
    }
  }
  const required = cmd.positionals.filter((p) => !p.optional).length;
  if (positionals.length < required) {
    const missing = cmd.positionals[positionals.length];
    fail(`%${cmd.name} needs <${missing.name}>: ${missing.help}`, { line, start: lineText.length, end: lineText.length + 1 });
  }
  return { def: cmd, positionals, options, line, text: lineText };
}

function convert(key: string, raw: string, opt: OptionDef, fail: (m: string) => never): string | number {
  const t = opt.type;
  if (raw === "") fail(`${key}= needs a value`);
  switch (t.kind) {
    case "int": {
      const n = Number(raw);
      if (!Number.isInteger(n)) fail(`${key} must be a whole number (got '${raw}')`);
      if (t.min !== undefined && n < t.min) fail(`${key} must be >= ${t.min} (got ${n})`);
      return n;
    }
    case "number": {
      const n = Number(raw);
      if (!Number.isFinite(n)) fail(`${key} must be a number (got '${raw}')`);
      return n;
    }
    case "enum": {
      const v = raw.toLowerCase();
      if (!t.values.includes(v)) {
        const guess = closest(v, t.values);
        fail(`${key} must be one of ${t.values.join(", ")} (got '${raw}')${guess ? `; did you mean '${guess}'?` : ""}`);
      }
      return v;
    }
    default:
      return raw;
  }
}

/** For Jupyter's is_complete_request: an open quote means the user is still typing. */
export function cellCompleteness(source: string): "complete" | "incomplete" | "invalid" {
  const lines = source.split(/\r?\n/);
  const last = lines.at(-1) ?? "";
  if (tokenize(last, lines.length - 1).some((t) => t.unterminated)) return "incomplete";
  if (/\\\s*$/.test(last)) return "incomplete";
  try {
    parseCell(source);
    return "complete";
  } catch {
    return "invalid";
  }
}
