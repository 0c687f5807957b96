/**
 * The Preview's figures (issue 23), each beside the same server under native python3 and the
 * same page in the same browser: a page of ten 100 KB images from `http.server`, loaded in the
 * preview frame; small `BaseHTTPRequestHandler` replies fetched one after another by a script
 * in the page; and a WebSocket message echoed by a hand-written server, one at a time. Procbox's side runs on `vite preview`, which also serves the preview
 * origin (vite.config.ts).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { preview } from 'vite';

const IMAGES = 10;
const IMAGE_BYTES = 100 * 1024;
/** How long the requests-per-second figure fetches. */
const FETCH_SECONDS = 3;

/** A page that loads ten images and says when all are in, and a script that fetches `/small`
 * for FETCH_SECONDS and says how many times. */
const INDEX = `<!doctype html><body><p id="done"></p>${Array.from(
  { length: IMAGES },
  (_, i) => `<img src="img${i}.svg">`,
).join('')}<script>
// From the page's navigation: its own request and the images'.
Promise.all([...document.images].map((img) => img.decode().catch(() => {}))).then(() => {
  document.getElementById('done').textContent = 'images ' + performance.now();
});
</script></body>`;
const FETCHES = `<!doctype html><p id="done"></p><script>
(async () => {
  let count = 0;
  const until = performance.now() + ${FETCH_SECONDS * 1000};
  while (performance.now() < until) {
    await (await fetch('/small')).text();
    count += 1;
  }
  document.getElementById('done').textContent = 'fetches ' + count;
})();
</script>`;

/** A page that sends a WebSocket message to the server beside the HTTP one and waits for its
 * echo, for FETCH_SECONDS, and says the mean round trip in µs. */
const ECHOES = (port) => `<!doctype html><p id="done"></p><script>
const ws = new WebSocket('ws://127.0.0.1:${port}/');
let count = 0, until = 0;
ws.onopen = () => { until = performance.now() + ${FETCH_SECONDS * 1000}; ws.send('ping'); };
ws.onmessage = () => {
  count += 1;
  if (performance.now() < until) return ws.send('ping');
  document.getElementById('done').textContent = 'echoes ' + (${FETCH_SECONDS * 1e6} / count);
};
</script>`;

/** An SVG of about IMAGE_BYTES (a comment fills it), different for each image. */
const image = (i) => {
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#${(i * 1234567).toString(16).slice(0, 6).padEnd(6, '0')}"/><!--`;
  return head + 'x'.repeat(IMAGE_BYTES - head.length - 10) + '--></svg>';
};

/** The server both sides run: the workspace's files, and `/small`; on the next port, a
 * WebSocket echo server written by hand, as the tutorials write it. */
const SERVER = (port) => `
import http.server, socketserver, os, base64, hashlib, socket, threading
os.chdir(os.path.dirname(os.path.abspath(__file__)) or ".")
pages = ${JSON.stringify({ 'index.html': INDEX, 'fetches.html': FETCHES, 'echoes.html': ECHOES(port + 1) })}
for name, text in pages.items():
    with open(name, "w") as f:
        f.write(text)
images = ${JSON.stringify(Array.from({ length: IMAGES }, (_, i) => image(i)))}
for i, text in enumerate(images):
    with open(f"img{i}.svg", "w") as f:
        f.write(text)
class Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/small":
            return super().do_GET()
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
def echo(conn):
    request = b""
    while b"\\r\\n\\r\\n" not in request:
        request += conn.recv(4096)
    key = [l.split(b": ")[1] for l in request.split(b"\\r\\n") if l.lower().startswith(b"sec-websocket-key")][0]
    accept = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
    conn.sendall(b"HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: " + accept + b"\\r\\n\\r\\n")
    while True:
        head = conn.recv(2)
        if len(head) < 2 or head[0] & 0x0F == 8:
            break
        length = head[1] & 0x7F
        mask = conn.recv(4)
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(conn.recv(length)))
        conn.sendall(bytes([0x81, len(payload)]) + payload)
    conn.close()
def echoes():
    listener = socket.create_server(("127.0.0.1", ${port + 1}))
    while True:
        threading.Thread(target=echo, args=(listener.accept()[0],), daemon=True).start()
threading.Thread(target=echoes, daemon=True).start()
socketserver.TCPServer.allow_reuse_address = True
with socketserver.TCPServer(("127.0.0.1", ${port}), Handler) as httpd:
    print("serving", flush=True)
    httpd.serve_forever()
`;

/** Reads a page's `#done` figure: the images' load time (ms) or the fetches made. One read
 * both matches and gives the figure: a page that reloads meanwhile has none yet. */
async function figure(frame, kind) {
  const done = frame.locator('#done');
  const pattern = new RegExp(`^${kind} ([0-9.]+)$`);
  for (const until = Date.now() + 180_000; Date.now() < until;) {
    const text = await done.textContent({ timeout: 180_000 }).catch(() => '');
    const match = pattern.exec(text ?? '');
    if (match) return Number(match[1]);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the page gave no ${kind} figure`);
}

export async function benchPreview({ browser, report, work, root }) {
  // Native: python3's server, the same pages, in the same browser.
  const folder = join(work, 'preview-native');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'server.py'), SERVER(8765));
  const native = spawn('python3', [join(folder, 'server.py')], { cwd: folder });
  await new Promise((resolve) => native.stdout.once('data', resolve));
  const page = await browser.newPage();
  await page.goto('http://127.0.0.1:8765/index.html');
  const nativeImages = await figure(page.mainFrame(), 'images');
  await page.goto('http://127.0.0.1:8765/fetches.html');
  const nativeFetches = (await figure(page.mainFrame(), 'fetches')) / FETCH_SECONDS;
  await page.goto('http://127.0.0.1:8765/echoes.html');
  const nativeEchoes = await figure(page.mainFrame(), 'echoes');
  native.kill();

  // Procbox: the playground, the same server, the Preview tab.
  const server = await preview({
    root,
    preview: { port: 4390, strictPort: true },
    logLevel: 'silent',
  });
  const playground = await browser.newPage();
  await playground.goto('http://localhost:4390/');
  const consoleText = () => playground.evaluate(() => window.__procbox?.consoleText() ?? '');
  const until = async (pattern) => {
    while (!pattern.test(await consoleText())) await playground.waitForTimeout(100);
  };
  await until(/Ready/);
  await playground.evaluate((code) => window.__procbox?.editorSetValue(code), SERVER(8000));
  await playground.getByTestId('run').click();
  await until(/serving/);
  await playground.getByTestId('show-preview').click();
  const frame = playground.frameLocator('[data-testid=preview-frame]');
  // The first load boots the preview's worker: the figure is a second, warm load, once the
  // first is over (its last image could otherwise mark the page as the reload begins).
  await figure(frame, 'images');
  await frame.locator('#done').evaluate((done) => (done.textContent = 'first load'));
  await playground.getByTestId('preview-reload').click();
  const images = await figure(frame, 'images');
  await playground.getByTestId('preview-path').fill('/fetches.html');
  await playground.getByTestId('preview-path').press('Enter');
  const fetches = (await figure(frame, 'fetches')) / FETCH_SECONDS;
  await playground.getByTestId('preview-path').fill('/echoes.html');
  await playground.getByTestId('preview-path').press('Enter');
  const echoes = await figure(frame, 'echoes');
  await playground.close();
  await server.close();

  report(
    `Preview: a page of ${IMAGES} images of 100 KB from http.server, loaded`,
    images,
    nativeImages,
    'ms',
  );
  report(
    'Preview: small BaseHTTPRequestHandler replies fetched by a page',
    fetches,
    nativeFetches,
    'req/s',
  );
  report(
    'Preview: a WebSocket message echoed by a hand-written server',
    echoes,
    nativeEchoes,
    'µs',
  );
}
