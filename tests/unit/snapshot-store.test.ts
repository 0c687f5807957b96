/** The snapshot's keeping (workers/kernel/snapshot-store.ts): Cache Storage, then the folder. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SnapshotStore } from '../../workers/kernel/snapshot-store';
import { encodePacked, packPages, release } from '../../workers/runtime/sparse-copy';

/** Cache Storage as a browser has it, one cache, in memory. */
function fakeCaches() {
  const kept = new Map<string, Uint8Array>();
  const cache = {
    match: async (key: string) => {
      const bytes = kept.get(key);
      return bytes ? new Response(bytes as Uint8Array<ArrayBuffer>) : undefined;
    },
    put: async (key: string, response: Response) => {
      const bytes = new Uint8Array(await response.arrayBuffer());
      await new Promise((resolve) => setTimeout(resolve, 20)); // a write takes its time
      kept.set(key, bytes);
    },
    keys: async () => [...kept.keys()],
    delete: async (key: string) => kept.delete(key),
  };
  return { kept, caches: { open: async () => cache } };
}

const FOLDER = 'http://127.0.0.1:1/__procbox-cache/';

afterEach(() => vi.unstubAllGlobals());

describe('SnapshotStore', () => {
  it('keeps a snapshot loaded from the folder in Cache Storage, for the next page', async () => {
    const { kept, caches } = fakeCaches();
    vi.stubGlobal('caches', caches);
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const fetched: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      fetched.push(url);
      return new Response(bytes);
    });
    const first = await new SnapshotStore(FOLDER).load();
    expect(first?.source).toBe('cache folder');
    await vi.waitFor(() => expect(kept.size).toBe(1));
    const next = await new SnapshotStore(FOLDER).load();
    expect(next?.source).toBe('browser cache');
    expect([...next!.bytes]).toEqual([1, 2, 3, 4]);
    expect(fetched).toHaveLength(1);
  });

  it('takes its copies at once: the kernel frees the bytes it loaded or made right away', async () => {
    const { kept, caches } = fakeCaches();
    vi.stubGlobal('caches', caches);
    const put: Uint8Array[] = [];
    vi.stubGlobal('fetch', async (_url: string, init?: RequestInit) => {
      if (init?.method === 'PUT')
        put.push(new Uint8Array(await new Response(init.body).arrayBuffer()));
      return new Response(new Uint8Array([5, 6, 7]));
    });
    const store = new SnapshotStore(FOLDER);
    const loaded = await store.load();
    release(loaded!.bytes); // into shared memory, then freed, while its copy is on its way
    expect(loaded!.bytes.length).toBe(0);
    await vi.waitFor(() => expect(kept.size).toBe(1));
    expect([...(await new SnapshotStore(null).load())!.bytes]).toEqual([5, 6, 7]);

    const made = encodePacked(packPages(new Uint8Array(4 * 4096).fill(3))); // as its worker sends it
    const expected = [...made];
    await store.save(made);
    release(made);
    const keptBytes = (await new SnapshotStore(null).load())!.bytes;
    expect(put).toHaveLength(1);
    expect([...put[0]]).toEqual(expected); // the folder's copy and the browser's: whole
    expect([...keptBytes]).toEqual(expected);
  });

  it('a discard forgets the copy on its way into Cache Storage too', async () => {
    const { kept, caches } = fakeCaches();
    vi.stubGlobal('caches', caches);
    vi.stubGlobal('fetch', async () => new Response(new Uint8Array([9])));
    const store = new SnapshotStore(FOLDER);
    await store.load();
    await store.discard(); // the boot failed: a damaged snapshot
    await new Promise((resolve) => setTimeout(resolve, 50)); // every write has landed
    expect(kept.size).toBe(0);
    expect(await new SnapshotStore(null).load()).toBeNull();
  });
});
