/**
 * The `embedscope.*` settings, read through a minimal `get` interface (a `WorkspaceConfiguration`
 * fits) so the rules are testable without VS Code. Bad values fall back to defaults with a
 * message saying what to fix, instead of breaking every command.
 */
import os from "node:os";
import path from "node:path";
import { DEFAULT_SAMPLE_LIMIT, MAX_SAMPLE_LIMIT } from "../../shared/src/params";
import { REDUCERS, type ReducerName } from "../../shared/src/types";

export const SETTINGS_SECTION = "embedscope";

export interface EmbedscopeSettings {
  /** Qdrant base URL, or undefined when not configured. */
  qdrantUrl: string | undefined;
  /** Absolute path of the DuckDB file. */
  databasePath: string;
  sampleLimit: number;
  defaultReducer: ReducerName;
}

export interface SettingsReader {
  get<T>(key: string): T | undefined;
}

export interface SettingsResult {
  settings: EmbedscopeSettings;
  /** One line per ignored value, fit to show the user. */
  problems: string[];
}

export interface SettingsEnvironment {
  /** Where the database goes when `databasePath` is empty. */
  defaultDatabasePath: string;
  /** Relative database paths resolve against this folder (the first workspace folder). */
  baseDir?: string;
  home?: string;
}

export function readSettings(config: SettingsReader, env: SettingsEnvironment): SettingsResult {
  const problems: string[] = [];

  let qdrantUrl: string | undefined;
  const rawUrl = config.get<unknown>("qdrantUrl");
  if (typeof rawUrl === "string" && rawUrl.trim() !== "") {
    const url = rawUrl.trim().replace(/\/+$/, "");
    if (/^https?:\/\/[^\s/]+/i.test(url) && !/\/\/[^/]*@/.test(url)) qdrantUrl = url;
    else problems.push("embedscope.qdrantUrl must be an http(s) URL without credentials, e.g. http://localhost:6333 (the API key goes in Connect to Qdrant…)");
  }

  let databasePath = env.defaultDatabasePath;
  const rawDb = config.get<unknown>("databasePath");
  if (typeof rawDb === "string" && rawDb.trim() !== "") {
    const expanded = expandHome(rawDb.trim(), env.home ?? os.homedir());
    if (path.isAbsolute(expanded)) databasePath = expanded;
    else if (env.baseDir) databasePath = path.resolve(env.baseDir, expanded);
    else problems.push(`embedscope.databasePath '${rawDb}' is relative and no folder is open; use an absolute path`);
  }

  let sampleLimit = DEFAULT_SAMPLE_LIMIT;
  const rawSample = config.get<unknown>("sampleLimit");
  if (rawSample !== undefined && rawSample !== null) {
    if (typeof rawSample === "number" && Number.isInteger(rawSample) && rawSample >= 2 && rawSample <= MAX_SAMPLE_LIMIT) sampleLimit = rawSample;
    else problems.push(`embedscope.sampleLimit must be a whole number between 2 and ${MAX_SAMPLE_LIMIT} (got ${JSON.stringify(rawSample)})`);
  }

  let defaultReducer: ReducerName = "umap";
  const rawReducer = config.get<unknown>("defaultReducer");
  if (rawReducer !== undefined && rawReducer !== null) {
    const name = typeof rawReducer === "string" ? rawReducer.toLowerCase() : "";
    if ((REDUCERS as readonly string[]).includes(name)) defaultReducer = name as ReducerName;
    else problems.push(`embedscope.defaultReducer must be one of ${REDUCERS.join(", ")} (got ${JSON.stringify(rawReducer)})`);
  }

  return { settings: { qdrantUrl, databasePath, sampleLimit, defaultReducer }, problems };
}

function expandHome(p: string, home: string): string {
  if (p === "~") return home;
  if (p.startsWith("~/") || p.startsWith("~\\")) return path.join(home, p.slice(2));
  return p;
}
