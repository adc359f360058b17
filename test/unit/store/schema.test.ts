import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../shared/src/errors";
import { Db } from "../../../shared/src/store/duckdb";
import { migrate, MIGRATIONS, schemaVersion, SCHEMA_VERSION, type Migration } from "../../../shared/src/store/schema";
import { Store } from "../../../shared/src/store/store";
import { DOCS, NEW_RUN, runData, tempDir, track } from "./helpers";

const V2: Migration = {
  version: SCHEMA_VERSION + 1,
  description: "test: a column added later",
  statements: ["ALTER TABLE runs ADD COLUMN pinned BOOLEAN DEFAULT false"],
};

describe("schema migrations", () => {
  it("migrates a v1 file with data to a later version, keeping the data, and only once", async () => {
    const file = path.join(tempDir(), "v1.duckdb");
    const store = await Store.open(file);
    const run = await store.createRun(NEW_RUN);
    await store.completeRun(run.id, runData(DOCS));
    store.close();

    const db = await Db.open(file);
    try {
      expect(await schemaVersion(db)).toBe(SCHEMA_VERSION);
      expect(await migrate(db, [...MIGRATIONS, V2])).toEqual({ from: SCHEMA_VERSION, to: V2.version });
      expect(await migrate(db, [...MIGRATIONS, V2])).toEqual({ from: V2.version, to: V2.version });
      const rows = await db.all<{ id: string; pinned: boolean }>("SELECT id, pinned FROM runs");
      expect(rows).toEqual([{ id: run.id, pinned: false }]);
      expect(await schemaVersion(db)).toBe(V2.version);
    } finally {
      db.close();
    }
  });

  it("applies nothing when one pending migration fails", async () => {
    const file = path.join(tempDir(), "fail.duckdb");
    track(await Store.open(file)).close();
    const db = await Db.open(file);
    try {
      const broken: Migration = { version: SCHEMA_VERSION + 2, description: "broken", statements: ["ALTER TABLE no_such_table ADD COLUMN x INT"] };
      await expect(migrate(db, [...MIGRATIONS, V2, broken])).rejects.toThrow(/no_such_table/);
      expect(await schemaVersion(db)).toBe(SCHEMA_VERSION);
      const cols = await db.all<{ n: bigint }>("SELECT count(*) AS n FROM duckdb_columns() WHERE table_name = 'runs' AND column_name = 'pinned'");
      expect(Number(cols[0].n)).toBe(0);
    } finally {
      db.close();
    }
  });

  it("starts a new file at version 0 and refuses files from a newer schema", async () => {
    const file = path.join(tempDir(), "new.duckdb");
    const db = await Db.open(file);
    try {
      expect(await schemaVersion(db)).toBe(0);
      expect(await migrate(db)).toEqual({ from: 0, to: SCHEMA_VERSION });
      await db.run("INSERT INTO schema_version VALUES (99, 'from the future', now())");
    } finally {
      db.close();
    }
    await expect(Store.open(file)).rejects.toBeInstanceOf(InputError);
    await expect(Store.open(file)).rejects.toThrow(/schema version 99/);
  });
});
