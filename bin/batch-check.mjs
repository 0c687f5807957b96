/**
 * `procbox check LESSON_DIR FOLDER...`: grades many submissions against one lesson in one
 * browser, several pages at once. A submission that hangs, floods or takes its page down is
 * reported as such; the others go on.
 */
import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { openRunner } from './driver.mjs';
import { readWorkspace } from './workspace-dir.mjs';

/** Beyond the lesson's own time limit, how long a page may take to answer before it is called
 * hung and replaced (booting, stopping, grading). */
const PAGE_GRACE_MS = 60_000;

/** A submission folder's files that take the place of the lesson's starter files. */
export function submissionFiles(dir, starterNames) {
  return readWorkspace(dir)
    .filter((file) => starterNames.includes(file.path) && file.encoding !== 'base64')
    .map((file) => ({ path: file.path, content: file.content }));
}

/**
 * Grades each of `submissions` ({ name, files }) on `jobs` pages. Each outcome: { name, status:
 * 'passed' | 'failed' | 'hung' | 'flooded' | 'crashed', results, detail }.
 */
export async function gradeBatch({ browser, baseURL, runnerOptions, lesson, submissions, jobs }) {
  const { files: lessonFiles, locale, timeoutSeconds } = lesson;
  const queue = submissions.map((submission, index) => ({ submission, index }));
  const outcomes = [];
  const worker = async () => {
    let runner = null;
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { submission, index } = next;
      runner ??= await openRunner(browser, baseURL, runnerOptions);
      const outcome = await gradeOne(runner, lessonFiles, submission, locale, timeoutSeconds);
      outcomes[index] = { name: submission.name, ...outcome };
      if (outcome.status === 'crashed' || outcome.pageLost) {
        await runner.close().catch(() => {});
        runner = null;
      }
    }
    await runner?.close().catch(() => {});
  };
  await Promise.all(Array.from({ length: Math.min(jobs, submissions.length) }, worker));
  return outcomes.map(({ pageLost: _, ...outcome }) => outcome);
}

async function gradeOne(runner, lessonFiles, submission, locale, timeoutSeconds) {
  let timer;
  const crashed = new Promise((resolve) => runner.page.once('crash', () => resolve('crash')));
  const late = new Promise((resolve) => {
    timer = setTimeout(() => resolve('late'), timeoutSeconds * 1000 + PAGE_GRACE_MS);
  });
  const graded = runner.page
    .evaluate(
      ([lesson, learner, loc]) => window.procboxHeadless.check(lesson, learner, loc),
      [lessonFiles, submission.files, locale],
    )
    .catch((error) => ({ pageError: String(error.message ?? error) }));
  const outcome = await Promise.race([graded, crashed, late]);
  clearTimeout(timer);
  if (outcome === 'crash' || outcome?.pageError) {
    const detail = outcome === 'crash' ? 'its page crashed' : outcome.pageError.split('\n')[0];
    return { status: 'crashed', results: [], detail, pageLost: true };
  }
  if (outcome === 'late') {
    return { status: 'hung', results: [], detail: 'its page stopped answering', pageLost: true };
  }
  if ('error' in outcome) return { status: 'crashed', results: [], detail: outcome.error };
  const failed = outcome.results.find((r) => !r.passed);
  const status = outcome.outputCut
    ? 'flooded'
    : outcome.timedOut
      ? 'hung'
      : failed
        ? 'failed'
        : 'passed';
  const detail = status === 'hung' || !failed ? outcome.summary : failed.reason;
  return { status, results: outcome.results, detail };
}

/** The table printed after a batch: one line per submission. */
export function batchTable(outcomes) {
  const rows = outcomes.map((o) => [
    o.name,
    o.status,
    `${o.results.filter((r) => r.passed).length}/${o.results.length}`,
    o.status === 'passed' ? '' : (o.detail ?? ''),
  ]);
  const header = ['submission', 'result', 'checks', 'first failure'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

const xml = (text) =>
  String(text).replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c],
  );

/** JUnit XML, as CI systems show it: a suite per submission, a case per check. */
export function junitReport(title, outcomes) {
  const suites = outcomes.map((o) => {
    const cases = o.results.length
      ? o.results.map(
          (r) =>
            `    <testcase classname="${xml(o.name)}" name="${xml(r.description)}">` +
            (r.passed ? '' : `<failure message="${xml(r.reason ?? 'failed')}"/>`) +
            '</testcase>',
        )
      : [
          `    <testcase classname="${xml(o.name)}" name="the lesson ran">` +
            `<error message="${xml(`${o.status}: ${o.detail}`)}"/></testcase>`,
        ];
    const failures = o.results.filter((r) => !r.passed).length;
    const errors = o.results.length ? 0 : 1;
    return (
      `  <testsuite name="${xml(o.name)}" tests="${cases.length}" failures="${failures}" ` +
      `errors="${errors}">\n${cases.join('\n')}\n  </testsuite>`
    );
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="${xml(title)}">\n${suites.join('\n')}\n</testsuites>\n`
  );
}

/** `--report FILE`: the outcomes as JSON in FILE, and as JUnit XML beside it (FILE's name with
 * `.xml` for its extension). Returns the two paths. */
export function writeReports(file, title, outcomes) {
  const json = resolve(file);
  const junit = json.replace(/(\.[^./]*)?$/, '.xml');
  writeFileSync(json, JSON.stringify({ lesson: title, submissions: outcomes }, null, 2) + '\n');
  writeFileSync(junit === json ? `${json}.xml` : junit, junitReport(title, outcomes));
  return [json, junit === json ? `${json}.xml` : junit];
}

export const submissionName = (dir) => basename(resolve(dir));
