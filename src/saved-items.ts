/**
 * Where the page saves its state: IndexedDB, which holds what the browser grants the origin
 * (hundreds of MB on a desktop; localStorage holds about 5 MB, too little for the 50 MB a
 * workspace may hold). Everything saved is read once at boot, so the store reads it
 * synchronously; each change is written behind, at once when no write is under way, else
 * coalesced into the next one, so a burst of keystrokes is one transaction.
 */
import type { KeyValueStorage } from './store';

const DATABASE = 'procbox';
const ITEMS = 'items';
/** Keys the page saved in localStorage before it moved here. */
const LEGACY_PREFIX = 'procbox.';

/** Told after each write: null when it landed, or the error that stopped it (a full quota). */
export type SaveListener = (error: unknown) => void;

export class SavedItems implements KeyValueStorage {
  private dirty = new Map<string, string>();
  private writing = false;
  private listeners = new Set<SaveListener>();
  private idle: (() => void)[] = [];

  private constructor(
    private readonly db: IDBDatabase,
    private readonly values: Map<string, string>,
  ) {
    // Another tab of a newer version wants the database: let it, this tab keeps its memory.
    db.onversionchange = () => db.close();
  }

  /** The saved items, after moving those an earlier version kept in `legacy` (localStorage). */
  static async open(factory: IDBFactory, legacy?: Storage): Promise<SavedItems> {
    const opening = factory.open(DATABASE, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(ITEMS);
    const db = await done(opening);
    const store = db.transaction(ITEMS).objectStore(ITEMS);
    const [keys, values] = await Promise.all([done(store.getAllKeys()), done(store.getAll())]);
    const items = new SavedItems(
      db,
      new Map(keys.map((key, i) => [String(key), String(values[i])])),
    );
    if (legacy) items.migrate(legacy);
    return items;
  }

  getItem(key: string): string | null {
    return this.values.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.values.set(key, value);
    this.dirty.set(key, value);
    this.write();
  }

  watchSaves(listener: SaveListener): void {
    this.listeners.add(listener);
  }

  /** Resolves when every change so far has been written, or has failed (and waits for the
   * next change to be tried again). */
  flushed(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private write(): void {
    if (this.writing) return;
    if (this.dirty.size === 0) {
      for (const resolve of this.idle.splice(0)) resolve();
      return;
    }
    const batch = this.dirty;
    this.dirty = new Map();
    this.writing = true;
    const finish = (error: unknown) => {
      this.writing = false;
      if (error !== null) {
        // Kept for the next change to retry; what is saved stays as it was (all or nothing).
        for (const [key, value] of batch) if (!this.dirty.has(key)) this.dirty.set(key, value);
      }
      for (const listener of this.listeners) listener(error);
      if (error === null) this.write();
      else for (const resolve of this.idle.splice(0)) resolve();
    };
    try {
      const transaction = this.db.transaction(ITEMS, 'readwrite');
      const store = transaction.objectStore(ITEMS);
      for (const [key, value] of batch) store.put(value, key);
      // Committed now, not after the last callback: a reload right after an edit keeps it.
      transaction.commit();
      transaction.oncomplete = () => finish(null);
      transaction.onabort = () => finish(transaction.error ?? new DOMException('', 'AbortError'));
    } catch (error) {
      finish(error);
    }
  }

  private migrate(legacy: Storage): void {
    const moved: string[] = [];
    for (let i = 0; i < legacy.length; i++) {
      const key = legacy.key(i);
      if (!key?.startsWith(LEGACY_PREFIX)) continue;
      moved.push(key);
      if (!this.values.has(key)) this.setItem(key, legacy.getItem(key) ?? '');
    }
    if (moved.length === 0) return;
    void this.flushed().then(() => {
      if (this.dirty.size === 0) for (const key of moved) legacy.removeItem(key);
    });
  }
}

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}
