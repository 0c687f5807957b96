/**
 * The procbox daemon: the browser kept open between CLI calls, with a page booted before the
 * call comes, so a warm `procbox run` pays neither a browser start nor a boot. The CLI starts it
 * when it finds none (daemon-client.mjs). It serves one cache folder on a Unix socket there
 * (daemon-protocol.mjs), each call on a fresh page, as an in-process run would be; it ends after
 * idleSeconds() without calls, when its browser goes, or when a CLI of another build comes.
 */
import { appendFileSync, linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { cacheDir } from './cli-cache.mjs';
import {
  LOCK_NAME,
  LOG_NAME,
  daemonKey,
  idleSeconds,
  readMessages,
  send,
  socketPath,
} from './daemon-protocol.mjs';
import { checkLesson, openRunner, runControl, runToEnd, startApp } from './driver.mjs';

/** One daemon a cache folder: the lock file holds its pid; a dead one's lock is taken over.
 * The lock appears with its pid already in it (a link to a file written first): a daemon
 * starting at the same moment must never read it empty, take it for a dead one's, and serve
 * too. */
function takeLock(path) {
  const mine = `${path}.${process.pid}`;
  writeFileSync(mine, String(process.pid));
  try {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        linkSync(mine, path);
        return true;
      } catch (error) {
        if (error.code !== 'EEXIST') throw error;
        let pid;
        try {
          pid = Number(readFileSync(path, 'utf8'));
        } catch {
          continue; // its daemon let it go meanwhile: try again
        }
        try {
          if (pid > 0) {
            process.kill(pid, 0);
            return false; // alive: it serves, or is about to
          }
        } catch {
          // No such process: a daemon that was killed left it.
        }
        rmSync(path, { force: true });
      }
    }
    return false;
  } finally {
    rmSync(mine, { force: true });
  }
}

/** A page booted ahead of its call. Its events go to whichever call holds it; until then the
 * notices of its boot (a damaged snapshot replaced) are kept for that call. */
function bootPage(app, say) {
  const spare = { booted: false, calls: 0, held: { notices: [], to: null } };
  say('page booting');
  const { held } = spare;
  spare.runner = openRunner(app.pages, app.server.url, {
    onChunks: (chunks) => held.to?.chunks(chunks),
    onNotice: (key, detail) =>
      held.to ? held.to.notice(key, detail) : held.notices.push([key, detail]),
    onFiles: (changes) => held.to?.files(changes),
    snapshotCache: app.snapshotCache,
  }).then((runner) => {
    spare.booted = true;
    say(`page booted (snapshot: ${runner.boot.snapshot})`);
    return runner;
  });
  spare.runner.catch(() => {}); // the call that takes it hears of a failure
  return spare;
}

/** A page serves this many calls, each on a fresh kernel, then makes way for a new one. */
const MOST_CALLS_A_PAGE = 100;

/** What a call's CLI sends while it runs, rather than calls of their own. */
const CONTROLS = new Set(['stdin', 'stdin-end', 'resize', 'interrupt', 'stop']);

export async function serveDaemon() {
  const cache = cacheDir();
  const path = socketPath(cache);
  const lock = join(cache, LOCK_NAME);
  if (!path || !takeLock(lock)) return;
  const log = join(cache, LOG_NAME);
  writeFileSync(log, `procbox daemon ${process.pid} for ${cache}\n`);
  const say = (text) => appendFileSync(log, `${new Date().toISOString()} ${text}\n`);
  const key = daemonKey();
  const sockets = new Set();
  let calls = 0;
  let idleTimer = null;
  let leaving = false;
  let app = null; // once the browser is up: calls that come before it wait for it
  let spare = null;

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    // Controls that come before the call has its page wait for it, in order.
    const connection = { socket, early: [], steer: null };
    readMessages(socket, (message) => {
      if (!CONTROLS.has(message.type)) void answer(connection, message);
      else if (connection.steer) connection.steer(message);
      else connection.early.push(message);
    });
  });
  // The first page boots as the browser comes up, so an early call takes it rather than a second.
  const starting = startApp().then((started) => {
    app = started;
    return app.browser.newContext().then((pages) => {
      // One context for every page: its Cache Storage and code caches serve the next boot.
      app.pages = pages;
      spare = bootPage(app, say);
      return app;
    });
  });
  starting.catch((error) => void leave(`the browser did not start: ${error.message}`));
  rmSync(path, { force: true }); // a killed daemon's socket; the lock says none serves it
  await new Promise((resolve, reject) => server.listen(path, resolve).once('error', reject));
  if (!(await starting.catch(() => null))) return;

  /** Stops serving new calls: the socket and the lock go at once, so a new daemon can start. */
  const withdraw = () => {
    if (leaving) return;
    leaving = true;
    server.close();
    rmSync(path, { force: true });
    rmSync(lock, { force: true });
  };
  const leave = async (why) => {
    say(`leaving: ${why}`);
    withdraw();
    for (const socket of sockets) socket.destroy();
    await app?.close().catch(() => {});
    process.exit(0);
  };
  const idle = () => {
    clearTimeout(idleTimer);
    if (calls === 0) idleTimer = setTimeout(() => void leave('idle'), idleSeconds() * 1000);
  };
  app.browser.on('disconnected', () => void leave('the browser went'));
  // One call's mishap is that call's: the daemon logs it and serves the next.
  process.on('unhandledRejection', (error) => say(`unhandled: ${error?.stack ?? error}`));
  idle();

  async function answer(connection, message) {
    const { socket } = connection;
    try {
      if (message.type === 'hello') {
        if (message.key === key && !leaving) return void send(socket, { type: 'welcome' });
        withdraw(); // before the answer: the CLI starts the next daemon as it reads it
        send(socket, { type: 'stale' });
        if (calls === 0) void leave('a CLI of another build came');
      } else if (message.type === 'shutdown') {
        await leave('asked to stop');
      } else if (message.type === 'run' || message.type === 'check') {
        calls += 1;
        clearTimeout(idleTimer);
        try {
          await call(connection, message);
        } finally {
          calls -= 1;
          if (leaving && calls === 0) void leave('a CLI of another build came');
          spare ??= leaving ? null : bootPage(app, say);
          idle();
        }
      }
    } catch (error) {
      say(error.stack ?? String(error));
      send(socket, { type: 'error', message: String(error.message ?? error) });
    }
  }

  /**
   * One call on a page ready for it (the spare, when there is one). A call that ends as it
   * should leaves its page for the next with a fresh kernel, pids from 1 and its workers still
   * booted; one that ends otherwise (the CLI gone, the page crashed) closes it.
   */
  async function call(connection, message) {
    const { socket } = connection;
    await starting;
    const page = spare ?? bootPage(app, say);
    spare = null;
    const pageBooted = page.booted;
    const runner = await page.runner;
    let ended = false;
    let crashed;
    try {
      const lost = new Promise((resolve) => {
        socket.once('close', () => resolve('the CLI went'));
        crashed = () => resolve('the page crashed');
        runner.page.once('crash', crashed);
      });
      const wanted = message.type === 'check' ? message.showOutput : true;
      page.held.to = {
        chunks: (chunks) => wanted && send(socket, { type: 'output', chunks }),
        notice: (key, detail) => send(socket, { type: 'notice', key, detail }),
        files: (changes) => message.writeBack && send(socket, { type: 'files', changes }),
      };
      for (const [key, detail] of page.held.notices.splice(0)) page.held.to.notice(key, detail);
      send(socket, { type: 'ready', boot: runner.boot, pageBooted });
      const control = runControl();
      const done =
        message.type === 'run'
          ? runToEnd(runner, message.request, control, message.trace)
          : checkLesson(runner, message).then((outcome) => ({ type: 'checked', outcome }));
      done.catch(() => {}); // when the call is lost first, its failure has no one to tell
      // After the run's call: stdin written before it would be lost to its terminal's reset.
      connection.steer = (next) => steer(runner, control, next);
      for (const early of connection.early.splice(0)) connection.steer(early);
      const outcome = await Promise.race([done, lost]);
      if (typeof outcome === 'string') say(outcome);
      else {
        await send(socket, outcome);
        ended = true;
      }
    } finally {
      connection.steer = null;
      page.held.to = null;
      runner.page.off('crash', crashed);
      socket.end();
      await keepOrClose(page, runner, ended);
    }
  }

  async function keepOrClose(page, runner, ended) {
    page.calls += 1;
    if (ended && !spare && !leaving && page.calls < MOST_CALLS_A_PAGE) {
      try {
        await runner.fresh();
        say(`page kept for call ${page.calls + 1}`);
        spare = page;
        return;
      } catch (error) {
        say(`page not kept: ${error.message}`);
      }
    }
    await runner.close().catch(() => {});
  }

  /** A control of the call's run; one that meets the page closing has nothing left to do. */
  function steer(runner, control, message) {
    const quietly = (promise) => void promise.catch(() => {});
    if (message.type === 'stdin') quietly(runner.writeStdin(message.text));
    else if (message.type === 'stdin-end') quietly(runner.closeStdin());
    else if (message.type === 'resize') quietly(runner.resize(message.columns, message.rows));
    else if (message.type === 'interrupt') quietly(runner.interrupt());
    else if (message.type === 'stop') {
      if (message.end) control.stop();
      quietly(runner.stop());
    }
  }
}
