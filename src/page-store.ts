/**
 * The playground's saved state, opened before anything else: main.ts reads the locale from it
 * to load the editor's translations before the editor's code runs.
 */
import { SavedItems } from './saved-items';
import { Store, type KeyValueStorage } from './store';

/** IndexedDB; or localStorage when the browser refuses it (about 5 MB); or, when it refuses
 * both, a memory-only stand-in. */
async function browserStorage(): Promise<KeyValueStorage> {
  let legacy: Storage | undefined;
  try {
    legacy = window.localStorage;
    legacy.getItem('procbox.probe');
  } catch {
    legacy = undefined;
  }
  try {
    return await SavedItems.open(indexedDB, legacy);
  } catch {
    if (legacy) return legacy;
    const memory = new Map<string, string>();
    return { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v) };
  }
}

export const storage = await browserStorage();
export const store = new Store(storage, navigator.language);
