#!/usr/bin/env node
/**
 * procbox run [--timeout SECONDS] [--start-method fork|spawn] [--plain] [--verbose] FILE ...
 *
 * Runs Python files in the real Procbox sandbox (headless Chromium), each FILE as a top-level
 * process in the order given. Output streams to stdout and stderr as it arrives. The run ends
 * when the last FILE's process exits; other processes (servers) are then stopped. The exit code
 * is that process's code (128 + N when signal N ended it), or 124 on --timeout.
 *
 * procbox daemon stop
 *
 * Runs go to a daemon that keeps the browser open with a page booted ahead (daemon.mjs); the
 * first run starts it, and it ends after ten idle minutes. PROCBOX_DAEMON=0 runs without it.
 *
 * procbox check [--lang en|zh-CN] [--show-output] LESSON_DIR FILE [FILE ...]
 * procbox check [--lang en|zh-CN] [--jobs N] [--report FILE] LESSON_DIR FOLDER [FOLDER ...]
 *
 * Grades a learner's files against a lesson (lessons/README.md): runs the lesson with them in
 * place of its starter files, in the sandbox, and prints each check with why it failed. Exit
 * code 0 when every check passed, 1 when one failed, 2 when the call or the lesson is wrong.
 * With FOLDERs, each is a submission: they are graded N pages at once (batch-check.mjs).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuilt } from './build.mjs';
import { cacheDir } from './cli-cache.mjs';
import { startCall, stopDaemon } from './cli-calls.mjs';
import { WorkspaceTooBig, readWorkspace, runWorkspace, writeBack } from './workspace-dir.mjs';

const USAGE = `usage: procbox run [--timeout SECONDS] [--start-method fork|spawn] [--plain] [--write-back] [--verbose] [--trace FILE] FILE [FILE ...]
       procbox check [--lang en|zh-CN] [--show-output] LESSON_DIR FILE [FILE ...]
       procbox daemon stop`;
const COLOURS = [36, 33, 35, 32, 34, 96, 93, 95];

function fail(message) {
  process.stderr.write(`procbox: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** A call that went wrong past its start: no usage, exit 1. */
function die(message) {
  process.stderr.write(`procbox: ${message}\n`);
  process.exit(1);
}

function parseOptions(args, options) {
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (error) {
    return fail(error.message);
  }
}

function parseRun(args) {
  const { values, positionals } = parseOptions(args, {
    timeout: { type: 'string' },
    'start-method': { type: 'string', default: 'fork' },
    plain: { type: 'boolean', default: false },
    'write-back': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    trace: { type: 'string' },
  });
  const timeout = values.timeout === undefined ? null : Number(values.timeout);
  if (timeout !== null && !(timeout > 0)) fail('--timeout takes a positive number of seconds');
  if (!['fork', 'spawn'].includes(values['start-method'])) fail('--start-method is fork or spawn');
  if (positionals.length === 0) fail('no FILE given');
  for (const file of positionals) if (!existsSync(file)) fail(`no such file: ${file}`);
  return {
    timeout,
    startMethod: values['start-method'],
    plain: values.plain,
    writeBack: values['write-back'],
    verbose: values.verbose,
    trace: values.trace,
    files: positionals,
  };
}

function parseCheck(args) {
  const { values, positionals } = parseOptions(args, {
    lang: { type: 'string', default: 'en' },
    'show-output': { type: 'boolean', default: false },
    jobs: { type: 'string' },
    report: { type: 'string' },
  });
  if (!['en', 'zh-CN'].includes(values.lang)) fail('--lang is en or zh-CN');
  const [lesson, ...files] = positionals;
  if (!lesson || !existsSync(join(lesson, 'lesson.json'))) fail('LESSON_DIR holds no lesson.json');
  if (files.length === 0) fail('no FILE or FOLDER given');
  for (const file of files) if (!existsSync(file)) fail(`no such file: ${file}`);
  const folders = files.filter((file) => statSync(file).isDirectory());
  if (folders.length > 0 && folders.length < files.length) {
    fail('give either FILEs (one submission) or FOLDERs (one submission each), not both');
  }
  const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
  if (!(Number.isInteger(jobs) && jobs > 0)) fail('--jobs takes a positive whole number');
  if (values.report !== undefined && folders.length === 0) fail('--report is for FOLDERs');
  return {
    lesson,
    files,
    batch: folders.length > 0,
    jobs,
    report: values.report ?? null,
    locale: values.lang,
    showOutput: values['show-output'],
  };
}

/** A lesson folder's files, read as the run's workspace is (hidden folders, node_modules and
 * byte-code caches aside, within the cap); lessons are text. */
function folderFiles(dir) {
  const files = readWorkspace(dir);
  const binary = files.find((file) => file.encoding === 'base64');
  if (binary) fail(`${dir}/${binary.path} is not text: a lesson's files are text`);
  return files.map((file) => [file.path, file.content]);
}

const readFiles = (paths) =>
  paths.map((file) => ({ path: basename(file), content: readFileSync(file, 'utf8') }));

/** Prefixes each line with `[pid] ` (coloured on a terminal), as the playground's console does. */
function tagger(plain) {
  const atLineStart = new Map();
  return (chunk) => {
    if (plain) return chunk.text;
    const stream = chunk.fd === 2 ? process.stderr : process.stdout;
    const colour = COLOURS[chunk.pid % COLOURS.length];
    const tag = stream.isTTY ? `\x1b[${colour}m[${chunk.pid}]\x1b[0m ` : `[${chunk.pid}] `;
    const key = `${chunk.pid}:${chunk.fd}`;
    let out = '';
    for (const piece of chunk.text.split(/(?<=\n)/)) {
      if (atLineStart.get(key) !== false) out += tag;
      out += piece;
      atLineStart.set(key, piece.endsWith('\n'));
    }
    return out;
  };
}

/** The kernel's notices (src/i18n.ts words them on the page). */
const NOTICES = {
  processLimit: (limit) => `process limit reached (${limit} processes): no more can start`,
  snapshotDamaged: (reason) =>
    `the cached memory snapshot could not boot (${reason}); a new one was made`,
  deadlock: (text) => text,
};
const sayNotice = (key, detail) =>
  process.stderr.write(`procbox: ${NOTICES[key]?.(detail) ?? key}\n`);

async function run(options) {
  // The current directory is the workspace, as python3 FILE sees its folder.
  let workspace;
  try {
    workspace = runWorkspace(process.cwd(), options.files);
  } catch (error) {
    if (error instanceof WorkspaceTooBig) fail(error.message);
    throw error;
  }
  const { files, entries } = workspace;
  const changes = [];
  await ensureBuilt();
  const started = performance.now();
  const format = tagger(options.plain);
  // The processes' standard streams are this command's own: a terminal where they are one.
  const streams = [process.stdin, process.stdout, process.stderr];
  const terminal = {
    isatty: streams.map((stream) => Boolean(stream.isTTY)),
    columns: process.stdout.columns || 80,
    rows: process.stdout.rows || 24,
  };
  const request = { files, entries, startMethod: options.startMethod, terminal };
  const call = await startCall(
    { type: 'run', request, writeBack: options.writeBack, trace: options.trace !== undefined },
    {
      output: (chunk) => (chunk.fd === 2 ? process.stderr : process.stdout).write(format(chunk)),
      notice: sayNotice,
      files: (batch) => changes.push(...batch),
    },
  );
  if (options.verbose) {
    const ms = Math.round(performance.now() - started);
    process.stderr.write(
      `procbox: ready in ${ms} ms (snapshot: ${call.boot.snapshot}; ${call.served})\n`,
    );
  }

  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts += 1;
    if (interrupts === 1) call.interrupt();
    else call.stop();
  });
  if (!process.stdin.isTTY) {
    process.stdin.on('data', (data) => call.writeStdin(data.toString()));
    process.stdin.on('end', () => call.closeStdin());
  } else {
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (data) => call.writeStdin(data));
  }
  if (process.stdout.isTTY) {
    process.stdout.on('resize', () => call.resize(process.stdout.columns, process.stdout.rows));
  }
  let timedOut = false;
  if (options.timeout !== null) {
    setTimeout(() => {
      timedOut = true;
      call.end();
    }, options.timeout * 1000).unref();
  }
  const outcome = await call.finished;
  if (outcome.type === 'error') die(outcome.message);
  if (options.writeBack) writeBack(process.cwd(), changes);
  // The timeline for Perfetto or chrome://tracing, written even when the run timed out.
  if (options.trace !== undefined && outcome.trace) {
    writeFileSync(options.trace, JSON.stringify(outcome.trace));
  }
  if (timedOut) {
    process.stderr.write(`procbox: timed out after ${options.timeout} s\n`);
    process.exit(124);
  }
  process.exit(outcome.code < 0 ? 128 - outcome.code : outcome.code);
}

/** A lesson folder's files, and the names of its starter files (the learner's to replace). */
function lessonFolder(dir) {
  let files;
  try {
    files = folderFiles(dir);
  } catch (error) {
    if (error instanceof WorkspaceTooBig) fail(error.message);
    throw error;
  }
  const starter = files.filter(([path]) => path.startsWith('starter/'));
  return { files, starterNames: starter.map(([path]) => path.slice('starter/'.length)) };
}

async function check(options) {
  if (options.batch) return checkBatch(options);
  const { files: lessonFiles, starterNames: names } = lessonFolder(options.lesson);
  const learnerFiles = readFiles(options.files);
  const strangers = learnerFiles.map((f) => f.path).filter((path) => !names.includes(path));
  await ensureBuilt();
  const format = tagger(false);
  const call = await startCall(
    {
      type: 'check',
      lessonFiles,
      learnerFiles,
      locale: options.locale,
      showOutput: options.showOutput,
    },
    { output: (chunk) => process.stdout.write(format(chunk)), notice: sayNotice, files: () => {} },
  );
  const finished = await call.finished;
  if (finished.type === 'error') die(finished.message);
  const { outcome } = finished;
  if ('error' in outcome) {
    process.stderr.write(`procbox: ${options.lesson} is not a lesson: ${outcome.error}\n`);
    process.exit(2);
  }
  for (const path of strangers) {
    process.stderr.write(
      `procbox: ${path} is not one of the lesson's files (${names.join(', ')}); it ran beside them\n`,
    );
  }
  const colour = (code, text) => (process.stdout.isTTY ? `\x1b[${code}m${text}\x1b[0m` : text);
  process.stdout.write(`${outcome.title}\n`);
  for (const result of outcome.results) {
    const mark = result.passed ? colour(32, '✓') : colour(31, '✗');
    process.stdout.write(`${mark} ${result.description}\n`);
    if (result.reason) process.stdout.write(`    ${result.reason}\n`);
  }
  process.stdout.write(`${outcome.summary}\n`);
  process.exit(outcome.results.every((r) => r.passed) ? 0 : 1);
}

/** Many submissions, one folder each: a table, an optional report, exit 1 if any failed. */
async function checkBatch(options) {
  const { files: lessonFiles, starterNames } = lessonFolder(options.lesson);
  const meta = JSON.parse(readFileSync(join(options.lesson, 'lesson.json'), 'utf8'));
  const title = meta.title?.[options.locale] ?? meta.title?.en ?? options.lesson;
  const batch = await import('./batch-check.mjs'); // Playwright's load, for a batch only
  const { batchTable, gradeBatch, submissionFiles, submissionName, writeReports } = batch;
  const submissions = options.files.map((dir) => ({
    name: submissionName(dir),
    files: submissionFiles(dir, starterNames),
  }));
  await ensureBuilt();
  // A batch has a browser of its own, with a page for each job.
  const { startApp } = await import('./driver.mjs');
  const app = await startApp();
  const outcomes = await gradeBatch({
    browser: app.browser,
    baseURL: app.server.url,
    runnerOptions: { onNotice: sayNotice, snapshotCache: app.snapshotCache },
    lesson: { files: lessonFiles, locale: options.locale, timeoutSeconds: meta.timeout ?? 30 },
    submissions,
    jobs: options.jobs,
  });
  await app.close();
  process.stdout.write(`${title}\n${batchTable(outcomes)}`);
  if (options.report) {
    const [json, junit] = writeReports(options.report, title, outcomes);
    process.stderr.write(`procbox: wrote ${json} and ${junit}\n`);
  }
  process.exit(outcomes.every((o) => o.status === 'passed') ? 0 : 1);
}

/** `procbox daemon stop`; `serve` is how a CLI starts it (cli-calls.mjs). */
async function daemon([what, ...rest]) {
  if (rest.length > 0 || !['stop', 'serve'].includes(what)) fail('procbox daemon takes stop');
  if (what === 'serve') {
    const { serveDaemon } = await import('./daemon.mjs');
    return serveDaemon();
  }
  const stopped = await stopDaemon(cacheDir());
  process.stderr.write(stopped ? 'procbox: daemon stopped\n' : 'procbox: no daemon was running\n');
}

function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'run') return run(parseRun(rest));
  if (command === 'check') return check(parseCheck(rest));
  if (command === 'daemon') return daemon(rest);
  return fail(command ? `unknown command '${command}'` : 'no command');
}

main().catch((error) => {
  process.stderr.write(`procbox: ${error.stack ?? error}\n`);
  process.exit(1);
});
