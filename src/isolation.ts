/**
 * Procbox needs cross-origin isolation (SharedArrayBuffer, Atomics). Where the host cannot send
 * the headers, the build's service worker (isolation-sw.js) adds them; this registers it and
 * reloads once, so the page comes back isolated. Resolves true when the page may go on.
 */
const RELOADED = 'procbox.isolation-reload';

export async function ensureIsolated(): Promise<boolean> {
  if (crossOriginIsolated) {
    try {
      sessionStorage.removeItem(RELOADED);
    } catch {
      // a frame in another site's page may have no storage at all
    }
    return true;
  }
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) return false;
  if (sessionStorage.getItem(RELOADED)) return false; // the worker did not help: do not loop
  await navigator.serviceWorker.register(new URL('isolation-sw.js', document.baseURI).href);
  await navigator.serviceWorker.ready;
  sessionStorage.setItem(RELOADED, '1');
  location.reload();
  return new Promise<boolean>(() => {}); // the page is going away
}
