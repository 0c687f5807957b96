import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SavedItems } from '../../src/saved-items';
import { STORAGE_KEY, Store } from '../../src/store';

/** localStorage as the page sees it: ordered keys, and removal. */
class LegacyStorage implements Storage {
  private readonly items = new Map<string, string>();
  constructor(entries: Record<string, string> = {}) {
    for (const [key, value] of Object.entries(entries)) this.items.set(key, value);
  }
  get length() {
    return this.items.size;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
}

/** Every write fails as a full quota does, until restored. */
function fillQuota() {
  return vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  });
}

afterEach(() => vi.restoreAllMocks());

describe('SavedItems (IndexedDB)', () => {
  it('keeps what was set across a reopen, read synchronously', async () => {
    const factory = new IDBFactory();
    const items = await SavedItems.open(factory);
    items.setItem('procbox.a', 'one');
    expect(items.getItem('procbox.a')).toBe('one');
    await items.flushed();
    const again = await SavedItems.open(factory);
    expect(again.getItem('procbox.a')).toBe('one');
    expect(again.getItem('procbox.b')).toBeNull();
  });

  it('coalesces a burst of changes into few writes, the last value winning', async () => {
    const factory = new IDBFactory();
    const items = await SavedItems.open(factory);
    const writes: unknown[] = [];
    items.watchSaves((error) => writes.push(error));
    for (let i = 0; i < 200; i++) items.setItem('procbox.text', `version ${i}`);
    await items.flushed();
    expect(writes).toEqual([null, null]); // the first change, then the other 199 together
    expect((await SavedItems.open(factory)).getItem('procbox.text')).toBe('version 199');
  });

  it("moves an earlier version's localStorage items once, without overwriting newer ones", async () => {
    const factory = new IDBFactory();
    const first = await SavedItems.open(factory);
    first.setItem('procbox.lessons.v1', 'newer');
    await first.flushed();
    const legacy = new LegacyStorage({
      [STORAGE_KEY]: '{"files": []}',
      'procbox.lessons.v1': 'older',
      'another-app': 'theirs',
    });
    const items = await SavedItems.open(factory, legacy);
    expect(items.getItem(STORAGE_KEY)).toBe('{"files": []}');
    expect(items.getItem('procbox.lessons.v1')).toBe('newer');
    await items.flushed();
    await vi.waitFor(() => expect(legacy.length).toBe(1));
    expect(legacy.getItem('another-app')).toBe('theirs');
    const reopened = await SavedItems.open(factory);
    expect(reopened.getItem(STORAGE_KEY)).toBe('{"files": []}');
  });

  it('reports a full quota, keeps what was saved, and saves everything on the next change after', async () => {
    const factory = new IDBFactory();
    const items = await SavedItems.open(factory);
    items.setItem('procbox.a', 'saved');
    await items.flushed();
    const outcomes: unknown[] = [];
    items.watchSaves((error) => outcomes.push(error));

    const quota = fillQuota();
    items.setItem('procbox.a', 'lost?');
    items.setItem('procbox.b', 'lost?');
    await items.flushed();
    expect((outcomes.at(-1) as DOMException).name).toBe('QuotaExceededError');
    expect(items.getItem('procbox.a')).toBe('lost?'); // still in memory
    expect((await SavedItems.open(factory)).getItem('procbox.a')).toBe('saved');

    quota.mockRestore();
    items.setItem('procbox.c', 'room again');
    await items.flushed();
    expect(outcomes.at(-1)).toBeNull();
    const reopened = await SavedItems.open(factory);
    expect(['a', 'b', 'c'].map((k) => reopened.getItem(`procbox.${k}`))).toEqual([
      'lost?',
      'lost?',
      'room again',
    ]);
  });

  it("tells the store's listeners once when saving fails and once when it works again", async () => {
    const items = await SavedItems.open(new IDBFactory());
    const store = new Store(items, 'en');
    const heard: unknown[] = [];
    store.subscribe(() => heard.push(store.saveError));

    const quota = fillQuota();
    store.addFile('a.py');
    await items.flushed();
    store.addFile('b.py');
    await items.flushed();
    quota.mockRestore();
    store.addFile('c.py');
    await items.flushed();

    // Each change is heard, and each turn of the outcome once besides: failing, then working.
    const outcomes = [null, ...heard].map((e) => e === null);
    const turns = outcomes.filter((ok, i) => i > 0 && ok !== outcomes[i - 1]);
    expect(turns).toEqual([false, true]);
    expect(store.saveError).toBeNull();
    expect(heard.filter((e) => e instanceof DOMException).length).toBeGreaterThan(0);
  });
});
