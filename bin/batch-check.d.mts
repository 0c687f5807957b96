import type { Browser } from 'playwright-core';

export interface BatchOutcome {
  name: string;
  status: 'passed' | 'failed' | 'hung' | 'flooded' | 'crashed';
  results: { passed: boolean; description: string; reason: string | null }[];
  detail: string | null;
}
export function submissionFiles(
  dir: string,
  starterNames: string[],
): { path: string; content: string }[];
export function gradeBatch(options: {
  browser: Browser;
  baseURL: string;
  runnerOptions: object;
  lesson: { files: [string, string][]; locale: string; timeoutSeconds: number };
  submissions: { name: string; files: { path: string; content: string }[] }[];
  jobs: number;
}): Promise<BatchOutcome[]>;
export function batchTable(outcomes: BatchOutcome[]): string;
export function junitReport(title: string, outcomes: BatchOutcome[]): string;
export function writeReports(
  file: string,
  title: string,
  outcomes: BatchOutcome[],
): [string, string];
export function submissionName(dir: string): string;
