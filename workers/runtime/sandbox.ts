/**
 * Removes every way out of a process worker before user code runs. Python reaches JavaScript
 * through `import js` (the worker's global scope), so whatever stays on that scope is reachable.
 * What is left talks only to the kernel, over the ports the runtime holds in module scope.
 * The worker script's CSP (see protocol/headers.ts) also forbids eval and other origins.
 */

/** Globals that reach the network, the origin's storage, or other contexts. */
export const ESCAPE_GLOBALS = [
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'WebSocketStream',
  'WebTransport',
  'EventSource',
  'indexedDB',
  'caches',
  'cookieStore',
  'importScripts',
  'BroadcastChannel',
  'Worker',
  'SharedWorker',
  'postMessage',
  'onmessage',
] as const;

/** Navigator members that reach origin storage or other contexts. */
export const ESCAPE_NAVIGATOR = ['storage', 'locks', 'serviceWorker', 'sendBeacon'] as const;

function removeEverywhere(target: object, name: string): void {
  for (let o: object | null = target; o; o = Object.getPrototypeOf(o) as object | null) {
    if (Object.prototype.hasOwnProperty.call(o, name)) {
      Reflect.deleteProperty(o, name);
    }
  }
  Object.defineProperty(target, name, { value: undefined, configurable: false, writable: false });
}

export function lockDown(scope: typeof globalThis = globalThis): void {
  for (const name of ESCAPE_GLOBALS) removeEverywhere(scope, name);
  for (const name of ESCAPE_NAVIGATOR) removeEverywhere(scope.navigator, name);
}
