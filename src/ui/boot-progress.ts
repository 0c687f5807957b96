/** The toolbar's progress bar while Python starts: the download's bytes, then each step. */
import type { BootProgress } from '../../workers/protocol/kernel';
import type { MessageKey } from '../i18n';

const MB = 1024 * 1024;

export class BootProgressView {
  private readonly bar: HTMLProgressElement;
  private readonly stage: HTMLElement;
  private last: BootProgress | null = null;

  constructor(
    private readonly host: HTMLElement,
    private readonly t: (key: MessageKey, params?: Record<string, string | number>) => string,
  ) {
    this.bar = host.querySelector('progress') ?? document.createElement('progress');
    this.stage = host.querySelector('.boot-stage') ?? document.createElement('span');
    this.show({ stage: 'boot' });
  }

  show(progress: BootProgress): void {
    this.last = progress;
    if (progress.stage === 'download' && progress.total > 0) {
      const percent = Math.min(100, Math.round((100 * progress.loaded) / progress.total));
      this.bar.value = percent;
      this.stage.textContent = this.t('bootDownloading', {
        percent,
        total: (progress.total / MB).toFixed(1),
      });
    } else {
      this.bar.removeAttribute('value'); // indeterminate: a step of unknown length
      const key = {
        download: 'bootStarting',
        snapshot: 'bootSnapshot',
        boot: 'bootStarting',
      } as const;
      this.stage.textContent = this.t(key[progress.stage]);
    }
    this.bar.setAttribute('aria-label', this.stage.textContent ?? '');
  }

  /** The language changed: the same step, in the new words. */
  relabel(): void {
    if (this.last && !this.host.hidden) this.show(this.last);
  }

  done(): void {
    this.host.hidden = true;
  }
}
