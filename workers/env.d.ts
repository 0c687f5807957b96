/** Set by vite.config.ts: Pyodide's version plus a hash of the Python layer. */
declare const __PROCBOX_SNAPSHOT_ID__: string;
