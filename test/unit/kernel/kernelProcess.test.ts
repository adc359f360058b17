/** The kernel as Jupyter starts it: a connection file, the built dist/kernel.js, a parent process. */
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import type { ConnectionInfo } from "../../../jupyter-ext/kernel/src/connection";
import { startKernel } from "../../../jupyter-ext/kernel/src/startKernel";
import { REPO_ROOT, tempDir } from "../../helpers/tmp";
import { JupyterTestClient } from "./helpers/jupyterClient";
import { freePort } from "../../helpers/net";

const KERNEL = path.join(REPO_ROOT, "dist", "kernel.js");
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function connectionFile(dir: string): Promise<{ file: string; info: ConnectionInfo }> {
  const info: ConnectionInfo = {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: await freePort(),
    control_port: await freePort(),
    stdin_port: await freePort(),
    iopub_port: await freePort(),
    hb_port: await freePort(),
    key: "process-test-key",
    signature_scheme: "hmac-sha256",
  };
  const file = path.join(dir, "kernel-test.json");
  writeFileSync(file, JSON.stringify(info));
  return { file, info };
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

it("opens the database at EMBEDSCOPE_DB only when a cell needs it", async () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const { file } = await connectionFile(t.dir);
  const db = path.join(t.dir, "lazy.duckdb");
  const { wire } = await startKernel(file, { EMBEDSCOPE_DB: db });
  cleanups.push(() => wire.stop());
  const client = await new JupyterTestClient(wire.connection).connect();
  cleanups.push(() => client.close());
  expect((await client.request("shell", "kernel_info_request", {}).reply).content.status).toBe("ok");
  expect(existsSync(db)).toBe(false);
  const runs = client.request("shell", "execute_request", { code: "%runs" });
  expect((await runs.reply).content).toMatchObject({ status: "ok", execution_count: 1 });
  expect(existsSync(db)).toBe(true);
});

it("dist/kernel.js starts from a connection file and exits 0 after shutdown_request", async () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const { file, info } = await connectionFile(t.dir);
  const child = spawn(process.execPath, [KERNEL, file], { env: { ...process.env, EMBEDSCOPE_DB: path.join(t.dir, "p.duckdb") }, stdio: ["ignore", "ignore", "pipe"] });
  const exited = exitOf(child);
  cleanups.push(() => void child.kill());
  const client = await new JupyterTestClient(info).connect();
  cleanups.push(() => client.close());
  const reply = await client.request("shell", "kernel_info_request", {}).reply;
  expect(reply.content).toMatchObject({ status: "ok", implementation: "embedscope", language_info: { name: "embedscope", file_extension: ".embedscope", mimetype: "text/x-embedscope" } });
  await client.request("control", "shutdown_request", { restart: false }).reply;
  expect(await exited).toBe(0);
});

it("exits on its own when the process that started it dies (JPY_PARENT_PID)", async () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const { file, info } = await connectionFile(t.dir);
  // A parent that starts the kernel as jupyter_client does, then exits without a shutdown_request.
  const parentScript = `
    const { spawn } = require("node:child_process");
    const kernel = spawn(process.execPath, [${JSON.stringify(KERNEL)}, ${JSON.stringify(file)}], {
      env: { ...process.env, JPY_PARENT_PID: String(process.pid) }, stdio: "ignore", detached: true });
    console.log(kernel.pid);
    process.stdin.resume();
    process.stdin.on("end", () => process.exit(0));`;
  const parent = spawn(process.execPath, ["-e", parentScript], { env: { ...process.env, EMBEDSCOPE_DB: path.join(t.dir, "o.duckdb") }, stdio: ["pipe", "pipe", "inherit"] });
  const parentExited = exitOf(parent);
  const kernelPid = Number(await new Promise<string>((resolve) => parent.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()))));
  cleanups.push(() => {
    try {
      process.kill(kernelPid);
    } catch {
      // already gone
    }
  });
  const client = await new JupyterTestClient(info).connect();
  cleanups.push(() => client.close());
  expect((await client.request("shell", "kernel_info_request", {}).reply).content.status).toBe("ok");
  parent.stdin!.end();
  await parentExited;
  const goneBy = Date.now() + 5000;
  let alive = true;
  while (alive && Date.now() < goneBy) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      process.kill(kernelPid, 0);
    } catch {
      alive = false;
    }
  }
  expect(alive).toBe(false);
});

it("refuses to start without a usable connection file", async () => {
  const noArgs = spawn(process.execPath, [KERNEL], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  noArgs.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  expect(await exitOf(noArgs)).toBe(2);
  expect(err).toMatch(/usage: node kernel\.js <connection_file>/);

  const missing = spawn(process.execPath, [KERNEL, "/nonexistent/kernel.json"], { stdio: ["ignore", "ignore", "pipe"] });
  let err2 = "";
  missing.stderr!.on("data", (d: Buffer) => (err2 += d.toString()));
  expect(await exitOf(missing)).toBe(1);
  expect(err2).toMatch(/cannot read the connection file \/nonexistent\/kernel\.json/);
});
