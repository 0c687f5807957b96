import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  batchTable,
  junitReport,
  writeReports,
  type BatchOutcome,
} from '../../bin/batch-check.mjs';

const outcomes: BatchOutcome[] = [
  {
    name: 'ann & bo',
    status: 'failed',
    results: [
      { passed: true, description: 'prints "hi"', reason: null },
      { passed: false, description: 'exits <0>', reason: "got 'x' & more" },
    ],
    detail: "got 'x' & more",
  },
  { name: 'cy', status: 'crashed', results: [], detail: 'its page crashed' },
];

describe('batch grading reports', () => {
  it('lines the table up, with the first failure last', () => {
    expect(batchTable(outcomes)).toBe(
      [
        'submission  result   checks  first failure',
        "ann & bo    failed   1/2     got 'x' & more",
        'cy          crashed  0/0     its page crashed',
        '',
      ].join('\n'),
    );
  });

  it('escapes JUnit XML, and a submission with no results is one error', () => {
    const xml = junitReport('Lesson "1"', outcomes);
    expect(xml).toContain('<testsuites name="Lesson &quot;1&quot;">');
    expect(xml).toContain('<testsuite name="ann &amp; bo" tests="2" failures="1" errors="0">');
    expect(xml).toContain(
      '<testcase classname="ann &amp; bo" name="exits &lt;0&gt;"><failure message="got &apos;x&apos; &amp; more"/></testcase>',
    );
    expect(xml).toContain(
      '<testcase classname="cy" name="the lesson ran"><error message="crashed: its page crashed"/></testcase>',
    );
  });

  it('writes the JSON where asked and the XML beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'procbox-report-'));
    const [json, xml] = writeReports(join(dir, 'grades.json'), 'L', outcomes);
    expect(xml).toBe(join(dir, 'grades.xml'));
    expect(JSON.parse(readFileSync(json, 'utf8')).submissions[1].status).toBe('crashed');
    expect(readFileSync(xml, 'utf8')).toContain('<testsuites name="L">');
  });
});
