/** Where the store lives when no path is given: EMBEDSCOPE_DB, else the platform's user data folder. */
import os from "node:os";
import path from "node:path";

export const DB_FILE_NAME = "embedscope.duckdb";

export function defaultStorePath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string {
  if (env.EMBEDSCOPE_DB) return env.EMBEDSCOPE_DB;
  if (platform === "win32") {
    const base = env.LOCALAPPDATA || path.win32.join(home, "AppData", "Local");
    return path.win32.join(base, "Embedscope", DB_FILE_NAME);
  }
  if (platform === "darwin") return path.posix.join(home, "Library", "Application Support", "Embedscope", DB_FILE_NAME);
  // XDG: a relative XDG_DATA_HOME is invalid by the spec and must be ignored.
  const xdg = env.XDG_DATA_HOME && path.posix.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.posix.join(home, ".local", "share");
  return path.posix.join(xdg, "embedscope", DB_FILE_NAME);
}
