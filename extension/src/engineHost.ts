/**
 * One engine per extension host, opened on first use (activation alone never touches DuckDB).
 * The engine runs in-process; its reducers run in worker threads (`reduce-worker.js` ships next to
 * the extension bundle), so the extension host's event loop stays free.
 */
import { Engine } from "../../shared/src/engine";
import { toDisposable, type DisposableLike } from "./dispose";

export interface EngineHostOptions {
  /** Read at open time: the DuckDB file from the settings. */
  dbPath: () => string;
  workerScript: string;
}

export class EngineHost implements DisposableLike {
  private opening: Promise<Engine> | undefined;
  private engine: Engine | undefined;
  private openedPath: string | undefined;
  private readonly openedListeners = new Set<(engine: Engine) => void>();
  private disposed = false;

  constructor(private readonly options: EngineHostOptions) {}

  /** The open engine, if any (never opens one). */
  get current(): Engine | undefined {
    return this.engine;
  }

  /** The database file in use, once open. */
  get databasePath(): string | undefined {
    return this.openedPath;
  }

  /** Opens the engine on first call; a failed open is retried on the next call. */
  get(): Promise<Engine> {
    if (this.disposed) return Promise.reject(new Error("Embedscope is shutting down"));
    if (this.engine) return Promise.resolve(this.engine);
    if (!this.opening) {
      const dbPath = this.options.dbPath();
      this.opening = Engine.open({ dbPath, workerScript: this.options.workerScript }).then(
        (engine) => {
          if (this.disposed) {
            void engine.close();
            throw new Error("Embedscope is shutting down");
          }
          this.engine = engine;
          this.openedPath = dbPath;
          for (const l of [...this.openedListeners]) l(engine);
          return engine;
        },
        (err: unknown) => {
          this.opening = undefined;
          throw err;
        },
      );
    }
    return this.opening;
  }

  /** Calls `listener` with the engine once it is open (at once if it already is). */
  onOpened(listener: (engine: Engine) => void): DisposableLike {
    this.openedListeners.add(listener);
    if (this.engine) listener(this.engine);
    return toDisposable(() => this.openedListeners.delete(listener));
  }

  /** Cancels active runs (recorded as cancelled) and closes the database. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.openedListeners.clear();
    const engine = this.engine ?? (await this.opening?.catch(() => undefined));
    this.engine = undefined;
    await engine?.close();
  }
}
