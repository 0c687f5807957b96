/**
 * The Preview tab (issue 23): the pages a server of the run serves, in a frame of the preview
 * origin (preview/protocol.ts), with a port chooser and an address bar. The relay frame that
 * connects that origin to this page is made when a port is first listened on.
 */
import type { Kernel } from '../kernel-client';
import type { MessageKey } from '../i18n';
import type { ProcessInfo } from '../../workers/protocol/kernel';
import { PreviewBroker, type PreviewFailure } from '../preview/broker';
import { previewOrigin, previewPrefix, RELAY_PATH, type RelayReady } from '../preview/protocol';

/** How long the relay frame may take to say it is ready before the tab says it did not come. */
const RELAY_WAIT_MS = 15_000;

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const FAILURE_TEXT: Record<PreviewFailure, MessageKey> = {
  refused: 'previewRefused',
  timeout: 'previewTimeout',
  'not-http': 'previewNotHttp',
  gone: 'previewGone',
};

/** The TCP ports listened on in `table`, lowest first. */
export function listeningPorts(table: ProcessInfo[]): number[] {
  const ports = new Set<number>();
  for (const p of table) {
    for (const s of p.sockets) {
      const port = s.state === 'LISTEN' ? /:(\d+)$/.exec(s.local)?.[1] : undefined;
      if (port && !s.local.startsWith('/')) ports.add(Number(port));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

export class PreviewView {
  private readonly origin: string | null;
  private readonly token = crypto.randomUUID();
  private readonly broker: PreviewBroker;
  private relay: HTMLIFrameElement | null = null;
  private ready = false;
  /** The frame shows the chosen port's page (else the tab loads it when shown). */
  private loaded = false;
  /** The relay did not come (no preview origin served, or service workers refused there). */
  private failed = false;
  private ports: number[] = [];
  /** The port shown: it stays on offer when its server stops, so that Reload says so. */
  private shown: number | null = null;
  private readonly select: HTMLSelectElement;
  private readonly path: HTMLInputElement;
  private readonly note: HTMLElement;
  private readonly frame: HTMLIFrameElement;
  private readonly open: HTMLAnchorElement;

  constructor(
    private readonly root: HTMLElement,
    kernel: () => Kernel | null,
    private readonly t: Translate,
  ) {
    this.origin = previewOrigin(location, import.meta.env.VITE_PROCBOX_PREVIEW_ORIGIN);
    this.broker = new PreviewBroker(
      kernel,
      (failure, port) => this.failurePage(failure, port),
      (port, path) => this.followed(port, path),
    );
    this.select = root.querySelector('select')!;
    this.path = root.querySelector('input')!;
    this.note = root.querySelector('.preview-note')!;
    this.frame = root.querySelector('iframe')!;
    this.open = root.querySelector('a.preview-open')!;
    // Its own origin already keeps the page from the playground's storage; the sandbox also
    // keeps it from navigating the playground away.
    this.frame.setAttribute(
      'sandbox',
      'allow-scripts allow-forms allow-same-origin allow-modals allow-popups allow-downloads',
    );
    root.querySelector('form')!.addEventListener('submit', (event) => {
      event.preventDefault();
      this.go();
    });
    root.querySelector('[data-testid=preview-reload]')!.addEventListener('click', () => this.go());
    this.select.addEventListener('change', () => {
      this.path.value = '/'; // another server: its first page
      this.go();
    });
    addEventListener('message', (event) => this.fromRelay(event));
    // The tab shown (ui/timeline-view.ts unhides it): its page loads then, not before.
    new MutationObserver(() => !root.hidden && !this.loaded && this.go()).observe(root, {
      attributes: true,
      attributeFilter: ['hidden'],
    });
    this.showNote();
  }

  /** The process table changed: the ports on offer follow it. */
  update(table: ProcessInfo[]): void {
    const ports = listeningPorts(table);
    if (this.shown !== null && !ports.includes(this.shown)) {
      ports.push(this.shown);
      ports.sort((a, b) => a - b);
    }
    if (ports.join() === this.ports.join()) return;
    const first = this.ports.length === 0 && ports.length > 0;
    this.ports = ports;
    const chosen = this.select.value;
    this.select.replaceChildren(
      ...ports.map(
        (port) => new Option(String(port), String(port), false, String(port) === chosen),
      ),
    );
    if (ports.length > 0) this.openRelay();
    if (first) this.loaded = false;
    if (!this.loaded) this.go();
    this.showNote();
  }

  /** A new run: connections kept alive for the last one go. */
  runStarted(): void {
    this.broker.closeAll();
    this.shown = null;
    this.loaded = false;
  }

  setLocale(): void {
    this.showNote();
  }

  /** Shows the chosen port's page at the address bar's path. */
  go(): void {
    const port = Number(this.select.value);
    // Only a preview someone looks at connects: a server that takes one client must not find
    // the browser was it.
    if (!this.origin || !this.ready || !port || this.root.hidden) return this.showNote();
    this.loaded = true;
    const path = this.path.value.startsWith('/') ? this.path.value : `/${this.path.value}`;
    this.shown = port;
    this.frame.title = this.t('previewFrame', { port });
    this.frame.hidden = false;
    // A new URL each time, so that Go on the same address loads it again.
    const url = new URL(this.origin + previewPrefix(this.token, port) + path);
    this.frame.src = 'about:blank';
    this.frame.src = url.href;
    this.open.href = url.href;
    this.showNote();
  }

  /** The frame went to another page of its server (a link, a form, a redirect). */
  private followed(port: number, path: string): void {
    if (port !== this.shown || !this.origin) return;
    if (document.activeElement !== this.path) this.path.value = path;
    this.open.href = this.origin + previewPrefix(this.token, port) + path;
  }

  private openRelay(): void {
    if (this.relay || !this.origin) return;
    this.relay = document.createElement('iframe');
    this.relay.hidden = true;
    this.relay.dataset.testid = 'preview-relay';
    this.relay.src = `${this.origin}${RELAY_PATH}?token=${this.token}`;
    document.body.append(this.relay);
    setTimeout(() => {
      this.failed = !this.ready;
      this.showNote();
    }, RELAY_WAIT_MS);
  }

  private fromRelay(event: MessageEvent): void {
    if (event.origin !== this.origin || event.source !== this.relay?.contentWindow) return;
    const data = event.data as Partial<RelayReady> & { relayFailed?: string };
    if (data.relayFailed) {
      console.warn(`procbox: no preview: ${data.relayFailed}`);
      this.failed = true;
      return this.showNote();
    }
    if (data.relayReady !== this.token || this.ready) return;
    const channel = new MessageChannel();
    this.broker.attach(channel.port1);
    this.relay.contentWindow!.postMessage('port', this.origin, [channel.port2]);
    this.ready = true;
    this.go();
  }

  private showNote(): void {
    let text = '';
    if (this.ports.length === 0) text = this.t('previewNone');
    else if (!this.origin || this.failed) {
      text = this.t('previewUnavailable', { origin: this.origin ?? '—' });
    }
    this.note.textContent = text;
    this.note.hidden = text === '';
    if (text) {
      this.frame.hidden = true;
      this.open.removeAttribute('href');
    }
  }

  private failurePage(failure: PreviewFailure, port: number): string {
    const text = this.t(FAILURE_TEXT[failure], { port });
    const escaped = text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    return `<!doctype html><meta charset="utf-8"><title>${port}</title><body style="font: 15px system-ui, sans-serif; margin: 2rem; color: #333"><p>${escaped}</p></body>`;
  }
}
