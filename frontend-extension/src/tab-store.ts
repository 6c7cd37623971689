/**
 * Small JSON records of the panel that outlive a page reload: per browser tab (sessionStorage: which agent answers
 * this tab carries out, the user's decisions on their calls, the conversation shown) or per browser (localStorage:
 * the notebooks whose edits and runs the user allowed). Written synchronously, so a reload right after a click
 * keeps it. Without a storage (tests, a locked-down browser) it holds them in memory.
 */

/** The part of the Web Storage API used. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** A memory-only storage. */
export function memoryStorage(): StorageLike {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

/** One JSON value under one key. */
export class StoredValue<T> {
  readonly #storage: StorageLike;
  readonly #key: string;
  readonly #fallback: T;

  constructor(storage: StorageLike, key: string, fallback: T) {
    this.#storage = storage;
    this.#key = `mooring:${key}`;
    this.#fallback = fallback;
  }

  get(): T {
    try {
      const text = this.#storage.getItem(this.#key);
      return text === null ? this.#fallback : (JSON.parse(text) as T);
    } catch {
      return this.#fallback;
    }
  }

  set(value: T): void {
    try {
      this.#storage.setItem(this.#key, JSON.stringify(value));
    } catch (err) {
      console.warn('mooring: could not store', this.#key, err);
    }
  }

  update(change: (value: T) => T): void {
    this.set(change(this.get()));
  }
}

/** The browser's storage of that kind, or a memory one where there is none. */
export function browserStorage(kind: 'sessionStorage' | 'localStorage'): StorageLike {
  try {
    const storage = globalThis[kind];
    if (storage) {
      return storage;
    }
  } catch {
    // a browser that forbids storage throws on access
  }
  return memoryStorage();
}
