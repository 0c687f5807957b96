/**
 * Keeps the interpreter's memory snapshot, so a reload boots processes in a fraction of a second:
 * in the origin's Cache Storage and, for the CLI (whose browser profile is new each run), in a
 * cache folder its static server serves (`folderURL`). The key names the Pyodide version and a
 * hash of the Python layer, so a new build never boots an old snapshot.
 */
import type { SnapshotSource } from '../protocol/kernel';

const CACHE = 'procbox-snapshots';
const ID = `procbox-snapshot-${__PROCBOX_SNAPSHOT_ID__}`;
const KEY = `/procbox-snapshot/${__PROCBOX_SNAPSHOT_ID__}`;

export interface StoredSnapshot {
  /** As kept: packed (runtime/sparse-copy.ts `encodePacked`) when this build kept it. */
  bytes: Uint8Array;
  source: Exclude<SnapshotSource, 'made'>;
}

export class SnapshotStore {
  /** A copy from the folder on its way into Cache Storage: a discard waits for it. */
  private keeping: Promise<void> = Promise.resolve();

  constructor(private readonly folderURL: string | null = null) {}

  async load(): Promise<StoredSnapshot | null> {
    try {
      const response = await (await caches.open(CACHE)).match(KEY);
      if (response)
        return { bytes: new Uint8Array(await response.arrayBuffer()), source: 'browser cache' };
    } catch {
      // no Cache Storage here (opaque origin, private mode)
    }
    if (!this.folderURL) return null;
    try {
      const response = await fetch(this.folderURL + ID);
      if (response.ok) {
        const bytes = new Uint8Array(await response.arrayBuffer());
        // The next page of this browser (the CLI's daemon) finds it sooner here.
        this.keeping = this.keepInBrowser(bytes);
        return { bytes, source: 'cache folder' };
      }
    } catch {
      // the folder's server is gone: make a new one
    }
    return null;
  }

  /** Keeps `packed`, a snapshot as its worker packed it: a snapshot is 45% zero pages, which
   * then cost neither the loading nor, in fresh memory, the unpacking. Takes its copies at once:
   * the caller may release the bytes when this returns. */
  async save(packed: Uint8Array): Promise<void> {
    await this.keepInBrowser(packed);
    if (this.folderURL) {
      await fetch(this.folderURL + ID, {
        method: 'PUT',
        body: packed as Uint8Array<ArrayBuffer>,
      }).catch(() => {});
    }
  }

  /** Takes its copy of `packed` at once (a Response copies its body): the caller may release
   * the bytes as soon as this returns. */
  private async keepInBrowser(packed: Uint8Array): Promise<void> {
    const response = new Response(packed as Uint8Array<ArrayBuffer>);
    try {
      const cache = await caches.open(CACHE);
      for (const request of await cache.keys()) await cache.delete(request);
      await cache.put(KEY, response);
    } catch {
      // Caching is an optimisation only.
    }
  }

  /** Forgets a snapshot that failed to boot, wherever it was kept. */
  async discard(): Promise<void> {
    await this.keeping;
    try {
      await (await caches.open(CACHE)).delete(KEY);
    } catch {
      // nothing kept there
    }
    if (this.folderURL) await fetch(this.folderURL + ID, { method: 'DELETE' }).catch(() => {});
  }
}
