/** The page's saved items (src/saved-items.ts: IndexedDB `procbox`, store `items`), read and
 * written from a test as another script of the origin would. */
import type { Page } from '@playwright/test';

/** The item saved under `key`, or null. */
export function savedItem(page: Page, key: string): Promise<string | null> {
  return page.evaluate(
    (key) =>
      new Promise<string | null>((resolve, reject) => {
        const opening = indexedDB.open('procbox', 1);
        // No database yet: nothing saved. Leave its creation to the page.
        opening.onupgradeneeded = () => opening.transaction!.abort();
        opening.onerror = () => resolve(null);
        opening.onsuccess = () => {
          const db = opening.result;
          const get = db.transaction('items').objectStore('items').get(key);
          get.onsuccess = () => (db.close(), resolve((get.result as string | undefined) ?? null));
          get.onerror = () => (db.close(), reject(get.error));
        };
      }),
    key,
  );
}

/** Saves `value` under `key` (for the page's next load to read). */
export function saveItem(page: Page, key: string, value: string): Promise<void> {
  return page.evaluate(
    ([key, value]) =>
      new Promise<void>((resolve, reject) => {
        const opening = indexedDB.open('procbox', 1);
        opening.onupgradeneeded = () => opening.result.createObjectStore('items');
        opening.onerror = () => reject(opening.error);
        opening.onsuccess = () => {
          const db = opening.result;
          const transaction = db.transaction('items', 'readwrite');
          transaction.objectStore('items').put(value, key);
          transaction.oncomplete = () => (db.close(), resolve());
          transaction.onabort = () => (db.close(), reject(transaction.error));
        };
      }),
    [key, value] as const,
  );
}
