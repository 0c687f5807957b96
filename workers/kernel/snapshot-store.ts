/**
 * Keeps the interpreter's memory snapshot in the origin's Cache Storage, so a reload boots
 * processes in a fraction of a second. The key names the Pyodide version and a hash of the
 * Python layer, so a new build never boots an old snapshot.
 */
const CACHE = 'procbox-snapshots';
const KEY = `/procbox-snapshot/${__PROCBOX_SNAPSHOT_ID__}`;

export class SnapshotStore {
  async load(): Promise<Uint8Array | null> {
    try {
      const response = await (await caches.open(CACHE)).match(KEY);
      return response ? new Uint8Array(await response.arrayBuffer()) : null;
    } catch {
      return null; // no Cache Storage here (opaque origin, private mode): make a new one
    }
  }

  async save(snapshot: Uint8Array): Promise<void> {
    try {
      const cache = await caches.open(CACHE);
      for (const request of await cache.keys()) await cache.delete(request);
      await cache.put(KEY, new Response(snapshot.slice()));
    } catch {
      // Caching is an optimisation only.
    }
  }
}
