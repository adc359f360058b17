/**
 * `embedscope serve`: one engine for this process, the browser viewer on 127.0.0.1 with an access
 * token. The URL is the first line on stdout (with --demo, after the demo's run table) so scripts
 * can read it; everything else goes to stderr.
 */
import { spawn } from "node:child_process";
import { InputError } from "../errors";
import { serveEngine } from "../protocol/engineServer";
import { startViewerServer } from "../server/viewerServer";
import { DB_HELP, DB_OPTION, type CliIo, type Command } from "./command";
import { ensureDemoRuns, openEngine } from "./commands";
import { formatRunTable } from "./format";

const VERSION = "0.1.0";

export const serveCommand: Command = {
  name: "serve",
  summary: "open the viewer in a browser (local server on 127.0.0.1 with an access token)",
  usage: "embedscope serve [--db PATH] [--port N] [--open] [--demo]",
  details: [
    "Prints http://127.0.0.1:PORT/?token=… as the first line; only that URL (with its token) is let in.",
    "Ctrl-C stops the server and cancels running projections.",
  ].join("\n"),
  maxPositionals: 0,
  options: { ...DB_OPTION, port: { type: "string" }, open: { type: "boolean" }, demo: { type: "boolean" } },
  optionHelp: {
    port: "port to listen on (default: a free port)",
    open: "open the URL in your browser",
    demo: "project the bundled demo first (if not done yet) and print its runs",
    ...DB_HELP,
  },
  async run(args, io) {
    const port = parsePort(args.values.port as string | undefined);
    const engine = await openEngine(args);
    try {
      if (args.values.demo) {
        const runs = await ensureDemoRuns(engine, io, false, false);
        io.out(formatRunTable(runs));
        io.out("");
      }
      const server = await startViewerServer({
        port,
        connect: (transport) => serveEngine(engine, transport, { host: "browser", version: VERSION }),
      });
      io.out(server.url);
      io.err(`Embedscope viewer on ${server.url.replace(/\?token=.*$/, "")} (database ${engine.dbPath}). Ctrl-C to stop.`);
      if (args.values.open) openBrowser(server.url);
      await untilAborted(io);
      io.err("stopping…");
      await server.close();
      return 0;
    } finally {
      await engine.close();
    }
  },
};

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InputError(`--port must be an integer between 0 and 65535 (got '${value}'); 0 picks a free port`, "port");
  }
  return n;
}

function untilAborted(io: CliIo): Promise<void> {
  if (io.signal.aborted) return Promise.resolve();
  return new Promise((resolve) => io.signal.addEventListener("abort", () => resolve(), { once: true }));
}

/** Best effort: a missing opener or a headless machine is not an error. */
function openBrowser(url: string): void {
  const opener = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer.exe" : "xdg-open";
  try {
    const child = spawn(opener, [url], { detached: true, stdio: "ignore" });
    child.on("error", () => undefined);
    child.unref();
  } catch {
    // ignore
  }
}
