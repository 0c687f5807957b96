/** How a page (the playground, the embed) brings up its sandbox and reports each step. */
import type { KernelObserver } from '../workers/protocol/kernel';
import type { MessageKey } from './i18n';
import { ensureIsolated } from './isolation';
import { connectKernel, type Kernel } from './kernel-client';
import type { NoteColour } from './ui/console';

export interface BootReport {
  t(key: MessageKey, params?: Record<string, string | number>): string;
  note(text: string, colour?: NoteColour): void;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Cross-origin isolation first (on a static host without the headers, a service worker adds
 * them with one reload), then the kernel. A failure is reported and gives null. With
 * `notIsolated`, a page that stays unisolated says that instead of trying to boot.
 */
export async function bootSandbox(
  observer: Omit<KernelObserver, 'notice'>,
  { t, note }: BootReport,
  notIsolated?: MessageKey,
): Promise<Kernel | null> {
  try {
    if (!(await ensureIsolated()) && notIsolated) throw new Error(t(notIsolated));
    return await connectKernel(
      { ...observer, notice: (key, detail) => note(t(key, { detail }), 'yellow') },
      (message) => note(t('bootFailed', { detail: message }), 'red'),
    );
  } catch (error) {
    note(t('bootFailed', { detail: errorText(error) }), 'red');
    return null;
  }
}
