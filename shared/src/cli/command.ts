/** What one CLI command is: its options (node:util parseArgs), help text and action. */
import type { ParseArgsConfig } from "node:util";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
}

export interface ParsedCommand {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Extra help lines after the option list. */
  details?: string;
  options: OptionSpec;
  /** Help text per option name. */
  optionHelp: Record<string, string>;
  minPositionals?: number;
  maxPositionals?: number;
  run(args: ParsedCommand, io: CliIo): Promise<number>;
}

export const DB_OPTION: OptionSpec = { db: { type: "string" } };
export const DB_HELP = { db: "DuckDB file (default: $EMBEDSCOPE_DB or your data directory)" };
export const JSON_OPTION: OptionSpec = { json: { type: "boolean" } };
