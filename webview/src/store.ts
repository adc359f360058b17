/** A minimal observable store around the pure reducer: views subscribe to slices by reference. */
import { reduce, type Action, type AppState } from "./state";

export type Unsubscribe = () => void;

export class ViewerStore {
  private current: AppState;
  private readonly listeners = new Set<(state: AppState, previous: AppState) => void>();

  constructor(initial: AppState) {
    this.current = initial;
  }

  get state(): AppState {
    return this.current;
  }

  dispatch(action: Action): void {
    const previous = this.current;
    const next = reduce(previous, action);
    if (next === previous) return;
    this.current = next;
    for (const listener of [...this.listeners]) listener(next, previous);
  }

  subscribe(listener: (state: AppState, previous: AppState) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` now and whenever `select(state)` changes by reference (or by `equal`). */
  watch<T>(select: (state: AppState) => T, listener: (value: T, previous: T | undefined) => void, equal: (a: T, b: T) => boolean = Object.is): Unsubscribe {
    let last = select(this.current);
    listener(last, undefined);
    return this.subscribe((state) => {
      const value = select(state);
      if (equal(value, last)) return;
      const previous = last;
      last = value;
      listener(value, previous);
    });
  }
}

/** Shallow equality of arrays/tuples, for selectors that build small tuples. */
export function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}
