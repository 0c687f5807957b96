import { describe, expect, it } from 'vitest';
import { WORKSPACE_CAP } from '../../workers/protocol/fs';
import type { WorkspaceFile } from '../../workers/protocol/kernel';
import { fileSize, workspaceSize } from '../../src/workspace-files';
import {
  HELLO_EXAMPLE,
  invalidFileName,
  parseState,
  runEntries,
  STORAGE_KEY,
  Store,
  type KeyValueStorage,
} from '../../src/store';

class MemoryStorage implements KeyValueStorage {
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
  it('switches to a lesson workspace under its own key and back, losing neither', () => {
    const storage = new MemoryStorage();
    const store = new Store(storage, 'en');
    store.setContent('main.py', 'mine\n');
    store.update({ locale: 'zh-CN' });
    const fresh = () => ({
      files: [{ path: 'server.py', content: 'starter\n' }],
      active: 'server.py',
      entries: [],
      startMethod: 'spawn' as const,
    });
    store.open('procbox.lesson.x.v1', fresh);
    expect(store.state.files).toEqual(fresh().files);
    expect(store.state.locale).toBe('zh-CN'); // carried over
    store.setContent('server.py', 'lesson work\n');
    store.open(STORAGE_KEY, fresh);
    expect(store.state.files[0].content).toBe('mine\n');
    store.open('procbox.lesson.x.v1', fresh);
    expect(store.state.files[0].content).toBe('lesson work\n');
    // a reload starts in the playground's workspace
    expect(new Store(storage).state.files[0].content).toBe('mine\n');
  });

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

describe('Store, more', () => {
  it('starts with nothing ticked, so Run starts main.py, and writes nothing until a change', () => {
    const storage = new MemoryStorage();
    const store = new Store(storage, 'en-US');
    expect(store.state).toMatchObject({
      active: 'main.py',
      entries: [],
      startMethod: 'fork',
      showTags: true,
      locale: 'en',
    });
    expect(store.runEntries()).toEqual(['main.py']);
    expect(HELLO_EXAMPLE).toContain('multiprocessing.Process(target=worker)');
    expect(storage.writes).toBe(0);
  });

  it('persists the options too', () => {
    const storage = new MemoryStorage();
    const store = new Store(storage);
    store.update({ startMethod: 'spawn', showTags: false, locale: 'zh-CN' });
    expect(new Store(storage, 'en').state).toEqual(store.state);
  });

  it.each(['null', '42', '{"files": [{"path":"a.py","content":""},{"path":"a.py","content":""}]}'])(
    'also treats %s as corrupt, and overwrites it only on the first edit',
    (saved) => {
      const storage = new MemoryStorage();
      storage.items.set(STORAGE_KEY, saved);
      const store = new Store(storage);
      expect(store.recoveredFromCorruption).toBe(true);
      store.setContent('main.py', 'x = 1\n');
      expect(JSON.parse(storage.items.get(STORAGE_KEY) ?? '').files[0].content).toBe('x = 1\n');
    },
  );

  it('survives storage that throws on read and on write', () => {
    const storage: KeyValueStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const store = new Store(storage);
    expect(store.recoveredFromCorruption).toBe(true);
    store.setContent('main.py', 'y = 2\n');
    expect(store.state.files[0].content).toBe('y = 2\n');
    expect(store.saveError).toBeInstanceOf(Error);
  });

  it('repairs the fields it can: an unknown active file, stray entries, options', () => {
    const state = parseState(
      {
        files: [
          { path: 'a.py', content: '' },
          { path: 'b.py', content: '' },
        ],
        active: 'gone.py',
        entries: ['b.py', 'gone.py', 3, 'a.py'],
        startMethod: 'vfork',
        showTags: 'yes',
        locale: 'fr',
      },
      'zh',
    );
    expect(state).toMatchObject({
      active: 'a.py',
      entries: ['a.py', 'b.py'],
      startMethod: 'fork',
      showTags: true,
      locale: 'zh-CN',
    });
    expect(state && runEntries(state)).toEqual(['a.py', 'b.py']);
  });

  it('refuses unusable names and unknown files', () => {
    const store = new Store(new MemoryStorage());
    expect(store.addFile('main.py')).toBe(false);
    expect(store.addFile('a/b.py')).toBe(false);
    store.addFile('b.py');
    expect(store.renameFile('b.py', 'main.py')).toBe(false);
    expect(store.renameFile('nope.py', 'c.py')).toBe(false);
    store.toggleEntry('nope.py', true);
    expect(store.state.entries).toEqual([]);
  });

  it('notifies subscribers until they unsubscribe', () => {
    const store = new Store(new MemoryStorage());
    const seen: string[] = [];
    const unsubscribe = store.subscribe((s) => seen.push(s.startMethod));
    store.update({ startMethod: 'spawn' });
    unsubscribe();
    store.update({ startMethod: 'fork' });
    expect(seen).toEqual(['spawn']);
  });
});

describe('file names, more', () => {
  it.each([
    ['   ', 'empty'],
    ['a..py', 'path'],
    ['a\\b.py', 'path'],
    ['a\n.py', 'control'],
    ['a\u007f.py', 'control'],
  ])('rejects %j (%s)', (name, why) => {
    expect(invalidFileName(name, [])).toBe(why);
  });
});

describe('Store.putFiles (uploads)', () => {
  /** Base64 of `bytes` zero bytes: its size is counted without reading it, so this is fast. */
  const big = (path: string, bytes: number): WorkspaceFile => {
    const padding = (3 - (bytes % 3)) % 3;
    const content = 'A'.repeat(((bytes + padding) / 3) * 4 - padding) + '='.repeat(padding);
    return { path, content, encoding: 'base64' };
  };

  it('adds files, replaces one of the same name in its place, and opens the last', () => {
    const storage = new MemoryStorage();
    const store = new Store(storage);
    store.addFile('data.txt', 'old\n');
    store.toggleEntry('main.py', true);
    expect(
      store.putFiles([
        { path: 'blob.bin', content: 'AAH/', encoding: 'base64' },
        { path: 'data.txt', content: 'new\n' },
      ]),
    ).toBeNull();
    expect(store.state.files.map((f) => f.path)).toEqual(['main.py', 'data.txt', 'blob.bin']);
    expect(store.file('data.txt')?.content).toBe('new\n');
    expect(store.state.active).toBe('data.txt');
    expect(store.state.entries).toEqual(['main.py']);
    // saved, with the encoding
    expect(new Store(storage).file('blob.bin')).toEqual({
      path: 'blob.bin',
      content: 'AAH/',
      encoding: 'base64',
    });
  });

  it('refuses a bad name or a workspace over WORKSPACE_CAP whole, changing nothing', () => {
    const storage = new MemoryStorage();
    const store = new Store(storage);
    const before = store.state;
    expect(
      store.putFiles([
        { path: 'ok.txt', content: '' },
        { path: 'a/b.txt', content: '' },
      ]),
    ).toBe('name');
    expect(store.putFiles([big('a.txt', WORKSPACE_CAP / 2), big('b.txt', WORKSPACE_CAP / 2)])).toBe(
      'tooLarge',
    );
    expect(store.state).toBe(before);
    expect(storage.writes).toBe(0);
  });

  it('counts bytes, not characters, and lets a replacement shrink a full workspace', () => {
    const store = new Store(new MemoryStorage());
    const main = workspaceSize(store.state.files);
    expect(store.putFiles([big('a.txt', WORKSPACE_CAP - main)])).toBeNull();
    expect(store.putFiles([{ path: 'é.txt', content: 'é' }])).toBe('tooLarge'); // 2 bytes
    expect(
      store.putFiles([big('a.txt', WORKSPACE_CAP - main - 2), { path: 'é.txt', content: 'é' }]),
    ).toBeNull();
    expect(store.state.files.map((f) => f.path)).toEqual(['main.py', 'a.txt', 'é.txt']);
    expect(fileSize(big('x', 7))).toBe(7);
    expect(workspaceSize(store.state.files)).toBe(WORKSPACE_CAP);
  });

  it('keeps uploaded files in memory when saving fails', () => {
    const store = new Store({
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    });
    expect(store.putFiles([{ path: 'big.txt', content: 'data' }])).toBeNull();
    expect(store.saveError).toBeInstanceOf(Error);
    expect(store.file('big.txt')?.content).toBe('data');
  });
});
