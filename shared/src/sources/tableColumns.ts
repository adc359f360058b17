/**
 * Which column of a table file holds the vectors and which the ids: the user's choice when given,
 * else detected from the column types and names.
 */
import { InputError } from "../errors";

export interface ColumnInfo {
  name: string;
  /** DuckDB type as text (`FLOAT[]`, `DOUBLE[384]`, `VARCHAR`…); for JSON records a JSON kind. */
  type: string;
  /** A CSV text column whose first value parses as a list of numbers, or a JSON array of numbers. */
  textVector?: boolean;
}

export const PREFERRED_VECTOR_NAMES = ["vector", "embedding", "embeddings", "values", "vec"];
export const PREFERRED_ID_NAMES = ["id", "point_id", "chunk_id", "uuid"];

const NUMERIC = "(?:FLOAT|DOUBLE|REAL|DECIMAL\\(\\d+,\\s*\\d+\\)|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)";
const NUMERIC_LIST = new RegExp(`^${NUMERIC}\\[\\d*\\]$`);

/** A LIST or ARRAY of numbers (`FLOAT[]`, `DOUBLE[384]`, `BIGINT[]`). */
export function isNumericListType(type: string): boolean {
  return NUMERIC_LIST.test(type);
}

export function isVectorColumn(column: ColumnInfo): boolean {
  return isNumericListType(column.type) || column.textVector === true;
}

function findByName(columns: ColumnInfo[], name: string): ColumnInfo | undefined {
  return columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

function columnList(columns: ColumnInfo[]): string {
  return columns.map((c) => `${c.name} (${c.type})`).join(", ") || "none";
}

export interface VectorColumnChoice {
  column: ColumnInfo;
  note: string;
}

export function chooseVectorColumn(columns: ColumnInfo[], requested: string | undefined, where: string): VectorColumnChoice {
  if (requested !== undefined) {
    const column = findByName(columns, requested);
    if (!column) {
      throw new InputError(
        `${where}: there is no column '${requested}'. Columns found: ${columnList(columns)}. Pass --vector-column NAME with one of them.`,
        "vectorColumn",
      );
    }
    if (!isVectorColumn(column)) {
      throw new InputError(
        `${where}: column '${column.name}' is ${column.type}, not a list of numbers. ` +
          `Columns found: ${columnList(columns)}. Pass --vector-column NAME naming a list-of-numbers column.`,
        "vectorColumn",
      );
    }
    return { column, note: `vectors from column '${column.name}'` };
  }
  const candidates = columns.filter(isVectorColumn);
  if (candidates.length === 0) {
    throw new InputError(
      `${where}: no column holds vectors (a list of numbers, or in CSV text like "[0.1, 0.2]"). ` +
        `Columns found: ${columnList(columns)}. Pass --vector-column NAME.`,
      "vectorColumn",
    );
  }
  const preferred = PREFERRED_VECTOR_NAMES.map((n) => candidates.find((c) => c.name.toLowerCase() === n)).find((c) => c !== undefined);
  const column = preferred ?? candidates[0];
  const others = candidates.filter((c) => c !== column).map((c) => `'${c.name}'`);
  const note =
    `vectors from column '${column.name}' (detected)` +
    (others.length > 0 ? `; other candidates: ${others.join(", ")} — pass --vector-column NAME to choose` : "");
  return { column, note };
}

export function chooseIdColumn(columns: ColumnInfo[], requested: string | undefined, vectorColumn: string, where: string): ColumnInfo | null {
  if (requested !== undefined) {
    const column = findByName(columns, requested);
    if (!column) {
      throw new InputError(`${where}: there is no column '${requested}' for ids. Columns found: ${columnList(columns)}. Pass --id-column NAME with one of them.`, "idColumn");
    }
    if (column.name === vectorColumn) throw new InputError(`${where}: the id column cannot be the vector column '${vectorColumn}'; pass another --id-column.`, "idColumn");
    return column;
  }
  for (const name of PREFERRED_ID_NAMES) {
    const column = columns.find((c) => c.name.toLowerCase() === name && c.name !== vectorColumn);
    if (column) return column;
  }
  return null;
}
