import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { StoreLockedError } from "../../../shared/src/errors";
import { Store } from "../../../shared/src/store/store";
import { NEW_RUN, tempDir, track } from "./helpers";

const ROOT = path.resolve(__dirname, "../../..");

/** A second process that opens the file with DuckDB and keeps it until its stdin closes. */
const HOLDER = `
const { DuckDBInstance } = require("@duckdb/node-api");
DuckDBInstance.create(process.argv[1]).then(async (db) => {
  await db.connect();
  process.stdout.write("ready\\n");
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}, (err) => { process.stderr.write(String(err)); process.exit(3); });
`;

describe("one process per database file", () => {
  it("tells the user which process holds the file, and opens once it is gone", async () => {
    const file = path.join(tempDir(), "locked.duckdb");
    track(await Store.open(file)).close(); // a real store file first

    const holder = spawn(process.execPath, ["-e", HOLDER, file], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => holder.on("exit", resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        let out = "";
        holder.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("ready")) resolve();
        });
        holder.on("exit", (code) => reject(new Error(`holder exited early with ${code}`)));
      });
      const err = await Store.open(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreLockedError);
      expect((err as Error).message).toContain(`is in use by another process`);
      expect((err as Error).message).toContain(`pid ${holder.pid}`);
    } finally {
      holder.stdin.end();
    }
    expect(await exited).toBe(0);
    const store = track(await Store.open(file));
    expect((await store.createRun(NEW_RUN)).status).toBe("pending");
  });

  it("keeps a second process out while this one has the store open", async () => {
    const file = path.join(tempDir(), "mine.duckdb");
    track(await Store.open(file));
    const probe = spawnSync(process.execPath, ["-e", HOLDER, file], { cwd: ROOT, input: "", encoding: "utf8", timeout: 30_000 });
    expect(probe.status).toBe(3);
    expect(probe.stderr).toMatch(/Could not set lock on file/);
  });
});
