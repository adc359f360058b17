/**
 * One code-server (real VS Code 1.100 in the browser) per test file: private user-data and
 * extensions folders, the packaged .vsix installed offline, a workspace folder, and settings that
 * keep the workbench quiet. Started in its own process group so stopping it also ends the helper
 * processes it forks (file watcher, extension host, pty host) — and nothing else.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../helpers/net";

const run = promisify(execFile);

export interface CodeServer {
  url: string;
  workspace: string;
  base: string;
  log: () => string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  codeServerRoot: string;
  vsix: string;
  /** Extra user settings (merged over the quiet defaults). */
  settings?: Record<string, unknown>;
  /** Files to create in the workspace: relative path → content. */
  files?: Record<string, string | Buffer>;
}

const QUIET_SETTINGS = {
  "workbench.startupEditor": "none",
  "workbench.colorTheme": "Default Dark Modern",
  "workbench.tips.enabled": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "workbench.enableExperiments": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "chat.commandCenter.enabled": false,
  "window.commandCenter": false,
  "notebook.experimental.showExecutionStatusBar": false,
  "files.simpleDialog.enable": true,
};

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const bin = path.join(options.codeServerRoot, "node_modules", ".bin", "code-server");
  const base = mkdtempSync(path.join(tmpdir(), "es-vscode-"));
  const userData = path.join(base, "user-data");
  const extensions = path.join(base, "extensions");
  const workspace = path.join(base, "workspace");
  const config = path.join(base, "config.yaml");
  mkdirSync(path.join(userData, "User"), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
  for (const [rel, content] of Object.entries(options.files ?? {})) {
    const file = path.join(workspace, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  const port = await freePort();
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const common = ["--config", config, "--user-data-dir", userData, "--extensions-dir", extensions];
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(base, "xdg-config"), XDG_DATA_HOME: path.join(base, "xdg-data"), EMBEDSCOPE_DB: "" };

  await run(bin, [...common, "--install-extension", options.vsix], { env, timeout: 120_000 });

  let output = "";
  const child: ChildProcess = spawn(bin, [...common, "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override", workspace], {
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer in 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url: `${url}/?folder=${encodeURIComponent(workspace)}`,
    workspace,
    base,
    log: () => output,
    async stop() {
      if (child.exitCode === null && child.pid) {
        // Our own process group (detached above): code-server and the helpers it forked.
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, "SIGKILL");
          } catch {
            // already gone
          }
        }, 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}
