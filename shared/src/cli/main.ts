/** embedscope CLI entry: parses argv, runs one command, maps errors to exit codes (0 ok, 2 bad input, 1 failure). */
import { parseArgs } from "node:util";
import { InputError, StoreLockedError, isCancel, redactSecrets } from "../errors";
import type { CliIo, Command } from "./command";
import { COMMANDS } from "./commands";
import { jupyterCommand } from "./jupyter";
import { serveCommand } from "./serve";

const VERSION = "0.1.0";
const registry: Command[] = [...COMMANDS];

/** Lets other modules (e.g. `serve`) add commands without this file knowing them. */
export function registerCommand(command: Command): void {
  registry.push(command);
}
registerCommand(serveCommand);
registerCommand(jupyterCommand);

function generalHelp(): string {
  const width = Math.max(...registry.map((c) => c.name.length));
  return [
    "embedscope — see your vector collections",
    "",
    "Usage: embedscope <command> [options]    (embedscope <command> --help for details)",
    "",
    "Commands:",
    ...registry.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Exit codes: 0 success, 2 bad input or usage, 1 failure.",
  ].join("\n");
}

function commandHelp(c: Command): string {
  const names = Object.keys(c.options);
  const flag = (n: string) => `--${n}${c.options[n].type === "string" ? " VALUE" : ""}`;
  const width = Math.max(0, ...names.map((n) => flag(n).length));
  return [
    `Usage: ${c.usage}`,
    "",
    c.summary,
    "",
    "Options:",
    ...names.map((n) => `  ${flag(n).padEnd(width)}  ${c.optionHelp[n] ?? ""}`),
    `  ${"--help".padEnd(width)}  show this help`,
    ...(c.details ? ["", c.details] : []),
  ].join("\n");
}

export async function main(argv: string[], ioOverrides: Partial<CliIo> = {}): Promise<number> {
  const controller = new AbortController();
  const io: CliIo = {
    out: (t) => process.stdout.write(t + "\n"),
    err: (t) => process.stderr.write(t + "\n"),
    signal: controller.signal,
    ...ioOverrides,
  };
  let interrupted = 0;
  const onSigint = () => {
    interrupted++;
    if (interrupted > 1) process.exit(130);
    io.err("\ncancelling… (Ctrl-C again to quit at once)");
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  try {
    const [name, ...rest] = argv;
    if (!name || name === "help" || name === "--help" || name === "-h") {
      const target = registry.find((c) => c.name === rest[0]);
      io.out(target ? commandHelp(target) : generalHelp());
      return 0;
    }
    if (name === "--version" || name === "-v") {
      io.out(VERSION);
      return 0;
    }
    const command = registry.find((c) => c.name === name);
    if (!command) {
      io.err(`embedscope: unknown command '${name}'.\n\n${generalHelp()}`);
      return 2;
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      io.out(commandHelp(command));
      return 0;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    } catch (err) {
      io.err(`embedscope ${command.name}: ${(err as Error).message.replace(/\. To specify.*$/s, "")}\nUsage: ${command.usage}  (see --help)`);
      return 2;
    }
    const positionals = parsed.positionals;
    if (positionals.length < (command.minPositionals ?? 0) || positionals.length > (command.maxPositionals ?? Infinity)) {
      io.err(`embedscope ${command.name}: expected ${command.usage.replace(/^embedscope /, "")}\nUsage: ${command.usage}  (see --help)`);
      return 2;
    }
    return await command.run({ values: parsed.values as Record<string, string | boolean | undefined>, positionals }, io);
  } catch (err) {
    if (isCancel(err)) {
      io.err("cancelled");
      return 130;
    }
    const message = redactSecrets(err instanceof Error ? err.message : String(err));
    if (err instanceof InputError) {
      io.err(`embedscope: ${message}${err.hint ? `\n${err.hint}` : ""}`);
      return 2;
    }
    if (err instanceof StoreLockedError) {
      io.err(`embedscope: ${message}`);
      return 1;
    }
    io.err(`embedscope: ${message}`);
    if (process.env.EMBEDSCOPE_DEBUG && err instanceof Error && err.stack) io.err(err.stack);
    return 1;
  } finally {
    process.off("SIGINT", onSigint);
  }
}
