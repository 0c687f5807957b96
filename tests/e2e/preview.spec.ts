/**
 * The Preview tab (issue 23): a server of the run, seen as a browser sees it, from the preview
 * origin (src/preview/protocol.ts); and the pages shown when there is no answer to show.
 */
import { expect, test, type FrameLocator, type Page } from '@playwright/test';

const consoleText = (page: Page) => page.evaluate(() => window.__procbox?.consoleText() ?? '');

/** Opens the playground, runs `program`, waits for `ready` in the console, shows the Preview. */
async function serve(page: Page, program: string, ready: RegExp): Promise<FrameLocator> {
  await page.goto('/');
  await expect.poll(() => consoleText(page), { timeout: 90_000 }).toMatch(/Ready/);
  await page.evaluate((code) => window.__procbox?.editorSetValue(code), program);
  await page.getByTestId('run').click();
  await expect.poll(() => consoleText(page), { timeout: 60_000 }).toMatch(ready);
  await page.getByTestId('show-preview').click();
  return page.frameLocator('[data-testid=preview-frame]');
}

const HTTP_SERVER = `
import http.server, socketserver
pages = {
    "index.html": '<!doctype html><link rel="stylesheet" href="/style.css">'
                  '<h1>Hello from http.server</h1><img id="dot" src="dot.svg">'
                  '<a href="more/page2.html">next</a>',
    "style.css": "h1 { color: rgb(0, 128, 0); }",
    "dot.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="12"></svg>',
}
import os
os.makedirs("more", exist_ok=True)
for name, text in pages.items():
    with open(name, "w") as f:
        f.write(text)
with open("more/page2.html", "w") as f:
    f.write('<p id="second">the second page</p><a href="/index.html">back</a>')
with socketserver.TCPServer(("", 8000), http.server.SimpleHTTPRequestHandler) as httpd:
    print("serving on 8000", flush=True)
    httpd.serve_forever()
`;

test('http.server serves the workspace: HTML, CSS and an image; links stay in the preview, and open in a new tab', async ({
  page,
}) => {
  const frame = await serve(page, HTTP_SERVER, /serving on 8000/);
  await expect(frame.locator('h1')).toHaveText('Hello from http.server', { timeout: 30_000 });
  await expect(frame.locator('h1')).toHaveCSS('color', 'rgb(0, 128, 0)');
  await expect
    .poll(() => frame.locator('#dot').evaluate((img: HTMLImageElement) => img.naturalHeight))
    .toBe(12);
  await frame.locator('a').click();
  await expect(frame.locator('#second')).toHaveText('the second page');
  // The address bar follows the link, so Reload and New tab take the page now shown.
  await expect(page.getByTestId('preview-path')).toHaveValue('/more/page2.html');
  const [tab] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByTestId('preview-open').click(),
  ]);
  await expect(tab.locator('#second')).toHaveText('the second page', { timeout: 30_000 });
  expect(await tab.evaluate(() => window.opener)).toBeNull(); // it cannot reach the playground
  await tab.locator('a').click(); // an absolute path, in a tab of its own
  await expect(tab.locator('h1')).toHaveCSS('color', 'rgb(0, 128, 0)');
  await tab.close();
  await frame.locator('a').click(); // an absolute path, within the same preview
  await expect(frame.locator('h1')).toHaveText('Hello from http.server');
  await expect(page.getByTestId('preview-path')).toHaveValue('/index.html');
  // The server logged each request, as it does under CPython, from the browser's connections.
  await expect.poll(() => consoleText(page)).toMatch(/"GET \/more\/page2\.html HTTP\/1\.1" 200 -/);
  await expect.poll(() => consoleText(page)).toMatch(/"GET \/dot\.svg HTTP\/1\.1" 200 -/);
  // The Timeline shows the browser's connections like any other client's.
  await page.getByTestId('show-timeline').click();
  const timeline = () => page.evaluate(() => window.__procbox?.timeline?.());
  await expect.poll(async () => (await timeline())?.processes).toContain('browser');
  expect((await timeline())?.arrows).toContain('connect');
});

test('a BaseHTTPRequestHandler form: GET shows it, POST sends it and the answer comes back', async ({
  page,
}) => {
  const program = `
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

FORM = b'<form method="post" action="/greet"><input name="who" value="Ada"><button>Send</button></form>'

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the browser holds its connection between requests

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(FORM)))
        self.end_headers()
        self.wfile.write(FORM)

    def do_POST(self):
        fields = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        body = f'<p id="answer">Hello, {fields["who"][0]}! ({self.command} {self.path})</p>'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

print("ready", flush=True)
HTTPServer(("127.0.0.1", 8080), Handler).serve_forever()
`;
  const frame = await serve(page, program, /ready/);
  await frame.locator('input[name=who]').fill('Grace');
  await frame.locator('button').click();
  await expect(frame.locator('#answer')).toHaveText('Hello, Grace! (POST /greet)', {
    timeout: 30_000,
  });
  // The process list shows the connection the browser keeps, from its side and the server's.
  const browserRow = page.getByTestId('browser-row');
  await expect(browserRow).toContainText(/ESTAB 127\.0\.0\.1:\d+ ↔ 127\.0\.0\.1:8080/);
  const client = /ESTAB (127\.0\.0\.1:\d+)/.exec((await browserRow.textContent()) ?? '')![1];
  await expect(page.getByTestId('proc-row').first()).toContainText(`127.0.0.1:8080 ↔ ${client}`);
});

test('a hand-written socket server that answers HTTP/1.0 and closes', async ({ page }) => {
  const program = `
import socket
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", 9000))
server.listen()
print("listening", flush=True)
while True:
    conn, addr = server.accept()
    request = conn.recv(4096).decode()
    line = request.split("\\r\\n")[0]
    conn.sendall(b"HTTP/1.0 200 OK\\r\\nContent-Type: text/html\\r\\n\\r\\n"
                 + f"<p id='line'>{line}</p><p id='from'>{addr[0]}</p>".encode())
    conn.close()
`;
  const frame = await serve(page, program, /listening/);
  await expect(frame.locator('#line')).toHaveText('GET / HTTP/1.1', { timeout: 30_000 });
  await expect(frame.locator('#from')).toHaveText('127.0.0.1');
});

test('an asyncio streams server answers the preview', async ({ page }) => {
  const program = `
import asyncio

async def handle(reader, writer):
    request_line = (await reader.readline()).decode().strip()
    while (await reader.readline()) not in (b"\\r\\n", b""):
        pass
    body = f"<p id='seen'>asyncio saw {request_line}</p>".encode()
    writer.write(b"HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\n"
                 + b"Content-Length: %d\\r\\n\\r\\n" % len(body) + body)
    await writer.drain()
    writer.close()
    await writer.wait_closed()

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 8100)
    print("asyncio serving", flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
`;
  const frame = await serve(page, program, /asyncio serving/);
  await expect(frame.locator('#seen')).toHaveText('asyncio saw GET / HTTP/1.1', {
    timeout: 30_000,
  });
  await page.getByTestId('preview-path').fill('/again?x=1');
  await page.getByTestId('preview-path').press('Enter');
  await expect(frame.locator('#seen')).toHaveText('asyncio saw GET /again?x=1 HTTP/1.1');
});

test('a 100 MB answer streams to the page, which stays responsive', async ({ page }) => {
  const program = `
import http.server, socketserver
SIZE = 100 * 1024 * 1024
BLOCK = b"x" * (1 << 20)
PAGE = b"""<p id="n">reading</p><script>
fetch("/big").then(async (response) => {
  const reader = response.body.getReader();
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
  }
  document.getElementById("n").textContent = "read " + n;
});
</script>"""
class Big(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = PAGE if self.path == "/" else None
        self.send_response(200)
        self.send_header("Content-Length", str(len(body) if body else SIZE))
        self.end_headers()
        if body:
            self.wfile.write(body)
        else:
            for _ in range(SIZE // len(BLOCK)):
                self.wfile.write(BLOCK)
    def log_message(self, *args):
        pass
with socketserver.TCPServer(("", 8200), Big) as httpd:
    print("big", flush=True)
    httpd.serve_forever()
`;
  const frame = await serve(page, program, /big/);
  let slowest = 0;
  while (!/read/.test((await frame.locator('#n').textContent({ timeout: 30_000 })) ?? '')) {
    const started = Date.now();
    await page.evaluate(() => new Promise(requestAnimationFrame));
    slowest = Math.max(slowest, Date.now() - started);
  }
  await expect(frame.locator('#n')).toHaveText(`read ${100 * 1024 * 1024}`);
  expect(slowest).toBeLessThan(1000);
});

test('no answer, no HTTP, no server: the preview says which, in a page of its own', async ({
  page,
}) => {
  const program = `
import socket, threading
def silent():
    s = socket.socket(); s.bind(("", 8001)); s.listen()
    kept = []
    while True:
        kept.append(s.accept()[0])  # takes the connection and never answers
def chatty():
    s = socket.socket(); s.bind(("", 8002)); s.listen()
    while True:
        conn, _ = s.accept()
        conn.sendall(b"SSH-2.0-OpenSSH_9.6\\r\\n")
        conn.close()
threading.Thread(target=silent, daemon=True).start()
threading.Thread(target=chatty, daemon=True).start()
print("both listening", flush=True)
threading.Event().wait()
`;
  const frame = await serve(page, program, /both listening/);
  const port = page.getByTestId('preview-port');
  await expect(port.locator('option')).toHaveText(['8001', '8002']);
  await expect(frame.locator('body')).toContainText('within 5 seconds', { timeout: 30_000 });
  await port.selectOption('8002');
  await expect(frame.locator('body')).toContainText('not in HTTP');
  await page.getByTestId('stop').click();
  await page.getByTestId('preview-reload').click();
  await expect(frame.locator('body')).toContainText('Nothing listens on port 8002');
});

test("a hostile page served by the program cannot read the playground's saved files or act on its page", async ({
  page,
}) => {
  const program = `
# secret-marker-in-saved-files
import http.server, socketserver
PAGE = b"""<!doctype html><pre id="report"></pre><script>
const report = [];
const tryIt = (name, f) => { try { report.push(name + ': ' + JSON.stringify(f())); }
                             catch (e) { report.push(name + ': ' + e.name); } };
tryIt('localStorage', () => Object.keys(localStorage).join());
tryIt('parent', () => parent.document.title);
tryIt('top', () => top.localStorage.length);
Promise.all([
  fetch('https://example.org/').then(() => 'network: reached', (e) => 'network: ' + e.name),
  indexedDB.databases().then((dbs) => 'indexedDB: ' + JSON.stringify(dbs.map((d) => d.name))),
  caches.keys().then((keys) => 'caches: ' + JSON.stringify(keys)),
  new Promise((done) => {
    const ws = new WebSocket('wss://example.org/');
    ws.onopen = () => done('websocket: open');
    ws.onclose = (e) => done('websocket: closed ' + e.code);
  }),
]).then((more) => {
  document.getElementById('report').textContent = [...report, ...more].join('\\\\n');
});
</script>"""
class Hostile(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(PAGE)
with socketserver.TCPServer(("", 8003), Hostile) as httpd:
    print("hostile", flush=True)
    httpd.serve_forever()
`;
  const frame = await serve(page, program, /hostile/);
  const report = frame.locator('#report');
  await expect(report).toContainText('caches:', { timeout: 30_000 });
  const text = await report.textContent();
  expect(text).toContain('localStorage: ""'); // its own origin's storage, empty
  expect(text).toContain('parent: SecurityError');
  expect(text).toContain('top: SecurityError');
  expect(text).toContain('indexedDB: []');
  expect(text).toContain('caches: []');
  expect(text).toContain('network: TypeError'); // refused by the page's CSP: only the run
  expect(text).toContain('websocket: closed 1006');
  expect(text).not.toContain('secret-marker');
  // The playground's own storage does hold the program (so there was something to steal).
  const saved = await page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((d) => d.name);
    return names.length + Object.keys(localStorage).length;
  });
  expect(saved).toBeGreaterThan(0);
});

test('WebSocket: a page talks to a hand-written server that implements the upgrade', async ({
  page,
}) => {
  const program = String.raw`
import base64, hashlib, socket, struct, threading

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
PAGE = b"""<!doctype html><p id="log"></p><script>
const log = (line) => { document.getElementById('log').textContent += line + ';'; };
const one = new WebSocket('ws://' + location.host + '/echo');
one.binaryType = 'arraybuffer';
one.onopen = () => { log('open'); one.send('hello'); one.send(new Uint8Array([1, 2, 3])); };
one.onmessage = (e) => {
  log(typeof e.data === 'string' ? 'text:' + e.data : 'bytes:' + new Uint8Array(e.data).join(','));
  if (typeof e.data !== 'string') one.close(1000, 'done');
};
one.onclose = (e) => {
  log('close:' + e.code + ':' + e.reason + ':' + e.wasClean);
  const two = new WebSocket('ws://127.0.0.1:8300/echo');
  two.onopen = () => two.send('bye');
  two.onmessage = async (e) => log('two:' + (await e.data.text?.() ?? e.data));
  two.addEventListener('close', (e) => log('two-close:' + e.code + ':' + e.reason + ':' + e.wasClean));
};
</script>"""

def recv_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data

def read_frame(conn):
    b0, b1 = recv_exact(conn, 2)
    length = b1 & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", recv_exact(conn, 2))
    elif length == 127:
        (length,) = struct.unpack("!Q", recv_exact(conn, 8))
    mask = recv_exact(conn, 4)
    return b0 & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(recv_exact(conn, length)))

def send_frame(conn, opcode, payload):
    conn.sendall(bytes([0x80 | opcode, len(payload)]) + payload)

def serve(conn):
    request = b""
    while b"\r\n\r\n" not in request:
        request += conn.recv(4096)
    lines = request.decode().split("\r\n")
    headers = {k.lower(): v for k, v in (l.split(": ", 1) for l in lines[1:] if ": " in l)}
    if headers.get("upgrade", "").lower() != "websocket":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(PAGE) + PAGE)
        conn.close()
        return
    digest = hashlib.sha1((headers["sec-websocket-key"] + GUID).encode()).digest()
    conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                 b"Connection: Upgrade\r\nSec-WebSocket-Accept: "
                 + base64.b64encode(digest) + b"\r\n\r\n")
    print("upgraded", lines[0], "from", headers["origin"], flush=True)
    while True:
        opcode, payload = read_frame(conn)
        if opcode == 8:
            print("close", struct.unpack("!H", payload[:2])[0], payload[2:].decode(), flush=True)
            send_frame(conn, 8, payload[:2])
            break
        print("got", opcode, payload, flush=True)
        send_frame(conn, opcode, payload)
        if payload == b"bye":
            send_frame(conn, 8, struct.pack("!H", 1000) + b"server done")
            opcode, payload = read_frame(conn)
            print("answered", opcode, struct.unpack("!H", payload)[0], flush=True)
            break
    conn.close()

server = socket.create_server(("127.0.0.1", 8300))
print("ws ready", flush=True)
while True:
    conn, _ = server.accept()
    threading.Thread(target=serve, args=(conn,)).start()
`;
  const frame = await serve(page, program, /ws ready/);
  await expect(frame.locator('#log')).toHaveText(
    // The reason a close event gives is the server's (its close frame echoed the code only).
    'open;text:hello;bytes:1,2,3;close:1000::true;two:bye;two-close:1000:server done:true;',
    { timeout: 30_000 },
  );
  await expect.poll(() => consoleText(page)).toMatch(/answered 8 1000/);
  const lines = (await consoleText(page))
    .split('\n')
    .filter((l) => /upgraded|got|close|answered/.test(l));
  expect(lines.map((l) => l.replace(/^\[\d+\] /, '').trim())).toEqual([
    'upgraded GET /echo HTTP/1.1 from http://127.0.0.1:8300',
    "got 1 b'hello'",
    "got 2 b'\\x01\\x02\\x03'",
    'close 1000 done',
    'upgraded GET /echo HTTP/1.1 from http://127.0.0.1:8300',
    "got 1 b'bye'",
    'answered 8 1000',
  ]);
});
