import { describe, expect, it } from 'vitest';
import { HELLO_EXAMPLE, invalidFileName, STORAGE_KEY, Store } from '../../src/store';

class MemoryStorage {
  readonly items = new Map<string, string>();
  writes = 0;
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.writes++;
    this.items.set(key, value);
  }
}

describe('Store', () => {
  it('starts with the hello example and the locale of the browser', () => {
    const store = new Store(new MemoryStorage(), 'zh-TW');
    expect(store.state.files).toEqual([{ path: 'main.py', content: HELLO_EXAMPLE }]);
    expect(store.state.locale).toBe('zh-CN');
    expect(new Store(new MemoryStorage(), 'de-DE').state.locale).toBe('en');
  });

  it('saves every change at once, so a new store (a reload) sees it', () => {
    const storage = new MemoryStorage();
    const store = new Store(storage);
    store.setContent('main.py', 'print(1)\n');
    store.addFile('client.py', 'print(2)\n');
    store.toggleEntry('main.py', true);
    store.toggleEntry('client.py', true);
    const reloaded = new Store(storage);
    expect(reloaded.state.files.map((f) => f.content)).toEqual(['print(1)\n', 'print(2)\n']);
    expect(reloaded.state.entries).toEqual(['main.py', 'client.py']);
    expect(reloaded.state.active).toBe('client.py');
  });

  it('runs the active file unless files are ticked to run together', () => {
    const store = new Store(new MemoryStorage());
    store.addFile('client.py');
    expect(store.runEntries()).toEqual(['client.py']);
    store.toggleEntry('client.py', true);
    store.toggleEntry('main.py', true);
    store.update({ active: 'main.py' });
    expect(store.runEntries()).toEqual(['main.py', 'client.py']);
  });

  it('renames a file everywhere it is named, and never deletes the last file', () => {
    const store = new Store(new MemoryStorage());
    store.toggleEntry('main.py', true);
    store.renameFile('main.py', 'server.py');
    expect(store.state).toMatchObject({ active: 'server.py', entries: ['server.py'] });
    store.deleteFile('server.py');
    expect(store.state.files).toHaveLength(1);
    store.addFile('client.py');
    store.deleteFile('client.py');
    expect(store.state.files.map((f) => f.path)).toEqual(['server.py']);
    expect(store.state.active).toBe('server.py');
  });

  it('keeps the run configuration in tab order', () => {
    const store = new Store(new MemoryStorage());
    store.addFile('b.py');
    store.addFile('c.py');
    store.toggleEntry('c.py', true);
    store.toggleEntry('b.py', true);
    store.toggleEntry('main.py', false);
    expect(store.state.entries).toEqual(['b.py', 'c.py']);
  });

  it.each(['{"files": 7', '[]', '{"files": []}', '{"files": [{"path": "../x", "content": ""}]}'])(
    'falls back to defaults on corrupt saved state %s, without overwriting it',
    (saved) => {
      const storage = new MemoryStorage();
      storage.items.set(STORAGE_KEY, saved);
      const store = new Store(storage);
      expect(store.recoveredFromCorruption).toBe(true);
      expect(store.state.files[0].path).toBe('main.py');
      expect(storage.writes).toBe(0);
      expect(storage.items.get(STORAGE_KEY)).toBe(saved);
    },
  );
});

describe('file names', () => {
  it.each([
    ['', 'empty'],
    ['a/b.py', 'path'],
    ['..', 'path'],
    ['x\u0007.py', 'control'],
    ['main.py', 'duplicate'],
  ])('rejects %j (%s)', (name, why) => {
    expect(invalidFileName(name, ['main.py'])).toBe(why);
  });

  it('accepts ordinary and Chinese names', () => {
    expect(invalidFileName('服务器.py', ['main.py'])).toBeNull();
  });
});
