import type { Browser, Page } from 'playwright-core';
import type { BootReport, OutputChunk, RunRequest } from '../workers/protocol/kernel';

export const CHROMIUM_ARGS: string[];
export function findChromium(): string;
export function launchChromium(): Promise<Browser>;

export interface Runner {
  page: Page;
  boot: BootReport;
  run(request: RunRequest): Promise<number>;
  stop(): Promise<void>;
  /** Waits the servers' grace (SERVER_GRACE_MS), then stops every process. */
  stopAfterGrace(): Promise<void>;
  writeStdin(text: string): Promise<void>;
  closeStdin(): Promise<void>;
  endOfFile(): Promise<void>;
  resize(columns: number, rows: number): Promise<void>;
  interrupt(): Promise<void>;
  waitIdle(): Promise<void>;
  fresh(): Promise<void>;
  /** The run's timeline as Chrome Trace Event JSON. */
  chromeTrace(): Promise<unknown>;
  close(): Promise<void>;
}

export function openRunner(
  browser: Browser,
  baseURL: string,
  handlers?: {
    onOutput?: (chunk: OutputChunk) => void;
    onChunks?: ((chunks: OutputChunk[]) => unknown) | null;
    onNotice?: (key: string, detail: string) => void;
    onFiles?: ((changes: unknown[]) => void) | null;
    snapshotCache?: string | null;
  },
): Promise<Runner>;

export function startApp(): Promise<{
  server: { url: string; close(): void };
  browser: Browser;
  snapshotCache: string;
  close(): Promise<void>;
}>;
export interface RunControl {
  stopped: boolean;
  stopping: Promise<null>;
  stop(): void;
}
export function runControl(): RunControl;
export function runToEnd(
  runner: Runner,
  request: RunRequest,
  control?: RunControl,
  withTrace?: boolean,
): Promise<{ type: 'exit'; code: number | null; trace: unknown }>;
export function checkLesson(
  runner: Runner,
  call: { lessonFiles: [string, string][]; learnerFiles: unknown[]; locale: string },
): Promise<unknown>;
