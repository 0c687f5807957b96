/** The Share dialog: the link to this playground, its length, and a warning for chat apps. */
import { translate, type Locale } from '../i18n';
import { CHAT_LIMIT } from '../share';
import { element } from './toolbar';

export class ShareDialog {
  private readonly dialog = element<HTMLDialogElement>('share-dialog');
  private readonly url = element<HTMLInputElement>('share-url', this.dialog);
  private readonly length = element('share-length', this.dialog);
  private readonly warning = element('share-warning', this.dialog);
  private readonly copied = element('share-copied', this.dialog);
  private readonly embed = element<HTMLTextAreaElement>('share-embed', this.dialog);

  constructor(private readonly locale: () => Locale) {
    element('share-close', this.dialog).addEventListener('click', () => this.dialog.close());
    element('share-copy', this.dialog).addEventListener('click', () => void this.copy());
  }

  /** `link` is the playground's URL with its `#v1:…` fragment. */
  show(link: string): void {
    const t = (key: Parameters<typeof translate>[1], params?: Record<string, number>) =>
      translate(this.locale(), key, params);
    this.url.value = link;
    this.length.textContent = t('shareLength', { count: link.length });
    this.warning.hidden = link.length <= CHAT_LIMIT;
    this.copied.hidden = true;
    const url = new URL(link);
    const embedUrl = new URL(`embed.html${url.hash}`, url);
    this.embed.value = `<iframe src="${embedUrl.href}" width="100%" height="460" style="border:0"></iframe>`;
    this.dialog.showModal();
    this.url.select();
  }

  private async copy(): Promise<void> {
    this.url.select();
    try {
      await navigator.clipboard.writeText(this.url.value);
      this.copied.hidden = false;
    } catch {
      // No clipboard permission: the link stays selected for Ctrl+C.
    }
  }
}
