/**
 * Counts the bytes of Python's first downloads (the WebAssembly binary, the standard library)
 * as they arrive, for the page's progress bar. A response passes through unchanged but for the
 * counting; its total is its Content-Length, when the server sends one.
 */
export interface DownloadCount {
  loaded: number;
  /** 0 while no response's length is known. */
  total: number;
}

/** Reports at most this often, and once more when every download is done. */
const REPORT_EVERY_MS = 100;

export class DownloadMeter {
  private loaded = 0;
  private total = 0;
  private open = 0;
  private lastReport = 0;

  constructor(private readonly report: (count: DownloadCount) => void) {}

  track(response: Response): Response {
    const body = response.body;
    if (!response.ok || !body) return response;
    this.total += Number(response.headers.get('content-length')) || 0;
    this.open += 1;
    const counting = new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        this.loaded += chunk.byteLength;
        this.tell(false);
        controller.enqueue(chunk);
      },
      flush: () => {
        this.open -= 1;
        this.tell(this.open === 0);
      },
    });
    return new Response(body.pipeThrough(counting), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }

  private tell(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastReport < REPORT_EVERY_MS) return;
    this.lastReport = now;
    this.report({ loaded: this.loaded, total: Math.max(this.total, this.loaded) });
  }
}
