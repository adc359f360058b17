/**
 * Ownership of everything that subscribes or holds a resource (STYLE.md habit 6): each object
 * registers what it creates in one store and disposes it once, newest first. Free of `vscode` so
 * the pure parts of the extension stay testable without VS Code.
 */
export interface DisposableLike {
  dispose(): unknown;
}

export function toDisposable(dispose: () => void): DisposableLike {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      dispose();
    },
  };
}

export class DisposableStore implements DisposableLike {
  private items: DisposableLike[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Registers `item`; if the store is already disposed, disposes it at once (late arrivals do not leak). */
  add<T extends DisposableLike>(item: T): T {
    if (this.disposed) {
      safeDispose(item);
      return item;
    }
    this.items.push(item);
    return item;
  }

  /** Disposes one item now and forgets it. */
  delete(item: DisposableLike): void {
    const i = this.items.indexOf(item);
    if (i >= 0) this.items.splice(i, 1);
    safeDispose(item);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const items = this.items.reverse();
    this.items = [];
    for (const item of items) safeDispose(item);
  }
}

function safeDispose(item: DisposableLike): void {
  try {
    void item.dispose();
  } catch {
    // One failing disposer must not keep the others alive.
  }
}
