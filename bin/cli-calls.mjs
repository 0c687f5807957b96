/**
 * One `procbox run` or `procbox check` call, carried to a page: the daemon's (daemon.mjs), which
 * it starts when none serves this cache folder, or a browser of its own (PROCBOX_DAEMON=0, or no
 * daemon could be reached). The message is the daemon protocol's `run` or `check`
 * (daemon-protocol.mjs); both ways give the caller the same call object.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { root } from './build.mjs';
import { cacheDir } from './cli-cache.mjs';
import { daemonKey, readMessages, send, socketPath } from './daemon-protocol.mjs';

/** How long a daemon just started may take to listen (Node and Playwright load first). */
const DAEMON_START_MS = 20_000;
/** How long a daemon may take to answer `hello`; one that does not (stopped, hung) is passed by. */
const DAEMON_ANSWER_MS = 15_000;

const useDaemon = () => process.env.PROCBOX_DAEMON !== '0';

/**
 * Starts the call. `handlers`: output(chunk), notice(key, detail), files(changes). Resolves with
 * { boot, served, writeStdin, closeStdin, resize, interrupt, stop, end, finished }: `served` says
 * where the page came from, `end()` stops the run without its servers' grace (a timeout), and
 * `finished` resolves with the last message (`exit`, `checked` or `error`).
 */
export async function startCall(message, handlers) {
  const reached = useDaemon() ? await reachDaemon(cacheDir(), true) : null;
  return reached ? daemonCall(reached, message, handlers) : localCall(message, handlers);
}

function tryConnect(path) {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(null));
  });
}

async function waitForDaemon(path) {
  const until = performance.now() + DAEMON_START_MS;
  while (performance.now() < until) {
    const socket = await tryConnect(path);
    if (socket) return socket;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return null;
}

function startDaemon(cache) {
  const daemon = spawn(process.execPath, [join(root, 'bin/procbox.mjs'), 'daemon', 'serve'], {
    cwd: cache, // not the caller's folder, which may be removed while the daemon lives
    detached: true,
    stdio: 'ignore',
  });
  daemon.unref();
}

/**
 * The daemon of `cache` that runs this CLI's build, welcomed: { socket, started, inbox }, where
 * `inbox.to` takes its next messages. One of another build gives way to a new one. With `start`
 * false, an absent daemon gives null rather than being started.
 */
export async function reachDaemon(cache, start) {
  const path = socketPath(cache);
  if (!path) return null;
  const key = daemonKey();
  for (let attempt = 0; attempt < 2; attempt += 1) {
    let socket = await tryConnect(path);
    let started = false;
    if (!socket && start) {
      startDaemon(cache);
      started = true;
      socket = await waitForDaemon(path);
    }
    if (!socket) return null;
    const inbox = { to: null };
    const reply = new Promise((resolve) => {
      inbox.to = resolve;
      socket.once('close', () => resolve({ type: 'gone' }));
      setTimeout(() => resolve({ type: 'silent' }), DAEMON_ANSWER_MS).unref();
    });
    readMessages(socket, (next) => inbox.to(next));
    send(socket, { type: 'hello', key });
    const answer = await reply;
    if (answer.type === 'welcome') return { socket, started, inbox };
    socket.destroy();
    if (answer.type === 'silent') return null; // the run goes on without it
    // stale: that daemon withdrew before answering, so the next try starts one
  }
  return null;
}

function daemonCall({ socket, started, inbox }, message, handlers) {
  let ready;
  const readied = new Promise((resolve) => (ready = resolve));
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  inbox.to = (next) => {
    if (next.type === 'ready') ready(next);
    else if (next.type === 'output') next.chunks.forEach(handlers.output);
    else if (next.type === 'notice') handlers.notice(next.key, next.detail);
    else if (next.type === 'files') handlers.files(next.changes);
    else {
      ready(null); // an error before the page was ready
      finish(next);
    }
  };
  socket.on('close', () => {
    const gone = { type: 'error', message: 'the procbox daemon stopped during the call' };
    ready(null);
    finish(gone);
  });
  send(socket, message);
  const control = (next) => void send(socket, next);
  return readied.then((info) => ({
    boot: info?.boot ?? { snapshot: 'none' },
    served: started
      ? 'daemon started'
      : info?.pageBooted
        ? 'daemon, page ready'
        : 'daemon, page booted',
    writeStdin: (text) => control({ type: 'stdin', text }),
    closeStdin: () => control({ type: 'stdin-end' }),
    resize: (columns, rows) => control({ type: 'resize', columns, rows }),
    interrupt: () => control({ type: 'interrupt' }),
    stop: () => control({ type: 'stop' }),
    end: () => control({ type: 'stop', end: true }),
    finished,
  }));
}

/** The call on a browser of this process's own, closed after it. */
async function localCall(message, handlers) {
  const { checkLesson, openRunner, runControl, runToEnd, startApp } = await import('./driver.mjs');
  const app = await startApp();
  const wanted = message.type === 'run' || message.showOutput;
  const runner = await openRunner(app.browser, app.server.url, {
    onOutput: wanted ? handlers.output : () => {},
    onNotice: handlers.notice,
    onFiles: message.writeBack ? handlers.files : null,
    snapshotCache: app.snapshotCache,
  });
  const control = runControl();
  const work =
    message.type === 'run'
      ? runToEnd(runner, message.request, control, message.trace)
      : checkLesson(runner, message).then((outcome) => ({ type: 'checked', outcome }));
  // A control that meets the page closing as the run ends has nothing left to do.
  const quietly = (promise) => void promise.catch(() => {});
  return {
    boot: runner.boot,
    served: 'browser of its own',
    writeStdin: (text) => quietly(runner.writeStdin(text)),
    closeStdin: () => quietly(runner.closeStdin()),
    resize: (columns, rows) => quietly(runner.resize(columns, rows)),
    interrupt: () => quietly(runner.interrupt()),
    stop: () => quietly(runner.stop()),
    end: () => {
      control.stop();
      quietly(runner.stop());
    },
    finished: work.finally(() => app.close()),
  };
}

/** `procbox daemon stop`: ends this cache folder's daemon, if one runs. Resolves whether one did. */
export async function stopDaemon(cache) {
  const path = socketPath(cache);
  const socket = path && (await tryConnect(path));
  if (!socket) return false;
  const gone = new Promise((resolve) => socket.once('close', resolve));
  socket.on('data', () => {});
  send(socket, { type: 'shutdown' });
  await gone;
  return true;
}
