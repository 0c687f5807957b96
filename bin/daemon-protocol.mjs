/**
 * The procbox daemon's boundary: one Unix socket in the cache folder, a JSON message a line in
 * both directions. The CLI (daemon-client.mjs) sends `hello`, then one call (`run` or `check`)
 * and the controls of that call; the daemon (daemon.mjs) answers with the call's events and one
 * last message (`exit`, `checked` or `error`). Both sides import this module.
 *
 * CLI → daemon:
 *   { type: 'hello', key }                    key: daemonKey() of the CLI's build
 *   { type: 'run', request, writeBack }       request: a RunRequest (workers/protocol/kernel.ts)
 *   { type: 'check', lessonFiles, learnerFiles, locale, showOutput }
 *   { type: 'stdin', text } | { type: 'stdin-end' } | { type: 'resize', columns, rows }
 *   { type: 'interrupt' } | { type: 'stop' }  the run's Ctrl-C, and its end (a timeout)
 *   { type: 'shutdown' }                      `procbox daemon stop`
 * daemon → CLI:
 *   { type: 'welcome' } | { type: 'stale' }   same build, or another (the daemon then leaves)
 *   { type: 'ready', boot, pageBooted }       the page took the call; pageBooted: it was ready
 *   { type: 'output', chunks } | { type: 'notice', key, detail } | { type: 'files', changes }
 *   { type: 'exit', code } | { type: 'checked', outcome } | { type: 'error', message }
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './build.mjs';

export const SOCKET_NAME = 'daemon.sock';
export const LOCK_NAME = 'daemon.lock';
export const LOG_NAME = 'daemon.log';
/** Seconds without a call before the daemon ends: PROCBOX_DAEMON_IDLE, else ten minutes. */
export const idleSeconds = () => Number(process.env.PROCBOX_DAEMON_IDLE) || 600;
/** Linux's sun_path holds 108 bytes; a deeper cache folder runs without a daemon. */
const MOST_SOCKET_PATH = 100;

export function socketPath(cache) {
  const path = join(cache, SOCKET_NAME);
  return Buffer.byteLength(path) <= MOST_SOCKET_PATH ? path : null;
}

/**
 * What a daemon serves must be what this CLI would run in-process: the same build of the app,
 * the same CLI code, Node and browser. A daemon with another key gives way.
 */
export function daemonKey() {
  const bin = join(root, 'bin');
  const parts = [process.version, process.env.PROCBOX_CHROMIUM ?? ''];
  parts.push(statSync(join(root, 'dist/_headers')).mtimeMs);
  for (const name of readdirSync(bin).sort()) {
    if (name.endsWith('.mjs')) parts.push(name, statSync(join(bin, name)).mtimeMs);
  }
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16);
}

/** Writes one message; resolves once the socket can take more (the reader's back-pressure). */
export function send(socket, message) {
  if (socket.destroyed) return Promise.resolve();
  if (socket.write(`${JSON.stringify(message)}\n`)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/** Calls `onMessage` with each message read from `socket`, in order. */
export function readMessages(socket, onMessage) {
  let parts = []; // the line so far: a long one (a workspace) comes in many pieces
  socket.setEncoding('utf8');
  socket.on('data', (text) => {
    let start = 0;
    for (let end; (end = text.indexOf('\n', start)) >= 0; start = end + 1) {
      parts.push(text.slice(start, end));
      const line = parts.join('');
      parts = [];
      if (line) onMessage(JSON.parse(line));
    }
    if (start < text.length) parts.push(text.slice(start));
  });
}
