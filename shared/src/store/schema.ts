/**
 * The store's schema as an ordered list of migrations. `schema_version` holds one row per applied
 * migration; pending ones run together in one transaction, so a failure leaves the file as it was.
 *
 * No primary keys or indexes on points/vectors on purpose: points are appended ordered by
 * (run_id, row), so DuckDB's zone maps prune per-run scans, and ART indexes would slow the bulk
 * load and the delete of a whole run.
 */
import { InputError } from "../errors";
import type { Db } from "./duckdb";

export interface Migration {
  version: number;
  description: string;
  statements: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "runs, points and vectors",
    statements: [
      `CREATE TABLE runs (
        id VARCHAR NOT NULL,
        label VARCHAR,
        source_kind VARCHAR NOT NULL,
        source_uri VARCHAR NOT NULL,
        collection VARCHAR,
        vector_name VARCHAR,
        reducer VARCHAR NOT NULL,
        dimensionality INTEGER NOT NULL DEFAULT 2,
        status VARCHAR NOT NULL,
        config JSON NOT NULL,
        meta JSON NOT NULL,
        error VARCHAR,
        point_count INTEGER NOT NULL DEFAULT 0,
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL,
        started_at TIMESTAMPTZ,
        completed_at TIMESTAMPTZ
      )`,
      `CREATE TABLE points (
        run_id VARCHAR NOT NULL,
        "row" INTEGER NOT NULL,
        point_id VARCHAR NOT NULL,
        x FLOAT NOT NULL,
        y FLOAT NOT NULL,
        document_id VARCHAR,
        chunk_index INTEGER,
        source_path VARCHAR,
        path VARCHAR,
        mime_type VARCHAR,
        ts TIMESTAMPTZ,
        source_dir VARCHAR NOT NULL,
        filetype VARCHAR NOT NULL,
        text VARCHAR,
        payload JSON
      )`,
      // FLOAT[] rather than BLOB: through the raw DataChunk appender 100k×384 loads in about the
      // same time either way, but FLOAT[] lets DuckDB compute cosine similarity in SQL and return
      // one vector by row, instead of shipping every blob to JS for each "find similar".
      `CREATE TABLE vectors (
        run_id VARCHAR NOT NULL,
        "row" INTEGER NOT NULL,
        vec FLOAT[] NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    description: "per-point neighbour preservation (layout quality)",
    // NULL for runs stored before (and for runs too large to score every point): colour-by shows "unknown".
    statements: ["ALTER TABLE points ADD COLUMN neighbor_preservation FLOAT"],
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** The highest applied migration, 0 for a new file. */
export async function schemaVersion(db: Db): Promise<number> {
  const tables = await db.all<{ n: bigint }>(
    "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'schema_version' AND schema_name = 'main'",
  );
  if (Number(tables[0].n) === 0) return 0;
  const rows = await db.all<{ v: number | null }>("SELECT max(version) AS v FROM schema_version");
  return rows[0].v ?? 0;
}

/**
 * Applies every migration newer than the file's version, in order, in one transaction.
 * Returns the versions before and after. Refuses a file written by a newer schema.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<{ from: number; to: number }> {
  const from = await schemaVersion(db);
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  if (from > latest) {
    throw new InputError(
      `The database ${db.path} has schema version ${from}, newer than this Embedscope understands (${latest}).`,
      "db",
      "Upgrade Embedscope, or use another database file.",
    );
  }
  const pending = migrations.filter((m) => m.version > from);
  if (pending.length === 0) return { from, to: from };
  await db.transaction(async (tx) => {
    await tx.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, description VARCHAR, applied_at TIMESTAMPTZ NOT NULL)");
    for (const migration of pending) {
      for (const sql of migration.statements) await tx.run(sql);
      await tx.run("INSERT INTO schema_version VALUES ($1, $2, now())", [migration.version, migration.description]);
    }
  });
  return { from, to: pending[pending.length - 1].version };
}
