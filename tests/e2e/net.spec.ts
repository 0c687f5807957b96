/**
 * The virtual network under load and failure, in real Chromium: a 50 MB transfer checked by
 * hash, 200 concurrent connections to one threaded server, a peer killed mid-transfer, the
 * process list's sockets, the trace's connection events, and the clear error ForkingMixIn gets.
 */
import type { TraceEvent } from '../../workers/protocol/kernel';
import { buildTimeline } from '../../src/timeline/model';
import { expect, script, test } from './fixtures';

test('50 MB cross a connection between processes intact (sha256 on both ends)', async ({
  sandbox,
}) => {
  const program = `
import hashlib, multiprocessing as mp, os, socket

def sink(listener):
    conn, _ = listener.accept()
    digest, total = hashlib.sha256(), 0
    while data := conn.recv(1 << 20):
        digest.update(data)
        total += len(data)
    conn.sendall(f"{total} {digest.hexdigest()}".encode())
    conn.close()

if __name__ == "__main__":
    listener = socket.create_server(("127.0.0.1", 0))
    p = mp.Process(target=sink, args=(listener,))
    p.start()
    c = socket.create_connection(listener.getsockname())
    digest = hashlib.sha256()
    rng = __import__("random").Random(7)
    for _ in range(50):
        block = rng.randbytes(1 << 20)
        digest.update(block)
        c.sendall(block)
    c.shutdown(socket.SHUT_WR)
    total, theirs = c.recv(200).decode().split()
    print(total, theirs == digest.hexdigest())
    p.join()
`;
  const result = await sandbox.run([script('bulk.py', program)]);
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe(`${50 << 20} True\n`);
});

test('200 concurrent clients against one threaded server all get their answer', async ({
  sandbox,
}) => {
  const program = `
import socket, socketserver, threading

class Echo(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(self.rfile.readline().upper())

server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Echo)
threading.Thread(target=server.serve_forever, daemon=True).start()
clients = [socket.create_connection(server.server_address) for _ in range(200)]
for i, c in enumerate(clients):
    c.sendall(f"client {i}\\n".encode())
answers = [c.makefile("rb").readline().decode() for c in clients]
print(sum(a == f"CLIENT {i}\\n" for i, a in enumerate(answers)))
server.shutdown()
`;
  const result = await sandbox.run([script('many.py', program)]);
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe('200\n');
});

test('a peer killed mid-transfer: the sender gets a broken connection, the reader end of file', async ({
  sandbox,
}) => {
  const program = `
import multiprocessing as mp, os, signal, socket, time

def reader(listener, ready):
    conn, _ = listener.accept()
    conn.recv(10)        # reads a little, then waits: the sender fills the buffers
    ready.set()
    time.sleep(60)

def writer(listener):
    conn, _ = listener.accept()
    conn.sendall(b"x" * 1000)
    time.sleep(60)

if __name__ == "__main__":
    listener = socket.create_server(("127.0.0.1", 0))
    ready = mp.Event()
    p = mp.Process(target=reader, args=(listener, ready))
    p.start()
    c = socket.create_connection(listener.getsockname())
    sent = c.send(b"y" * 10)
    ready.wait()         # however long the child takes to start on a loaded machine
    c.settimeout(0.5)
    try:
        while True:
            sent += c.send(b"y" * 65536)
    except TimeoutError:
        print("blocked after", "more than 64 KiB" if sent > 65536 else sent)
    os.kill(p.pid, signal.SIGKILL)
    p.join()
    c.settimeout(None)
    try:
        c.sendall(b"z" * 65536)
        c.sendall(b"z" * 65536)
    except (BrokenPipeError, ConnectionResetError) as e:
        print("sender:", type(e).__name__)
    q = mp.Process(target=writer, args=(listener,))
    q.start()
    d = socket.create_connection(listener.getsockname())
    got = b""
    while len(got) < 1000:
        got += d.recv(4096)
    os.kill(q.pid, signal.SIGKILL)
    q.join()
    print("reader:", len(got), d.recv(10))
`;
  const result = await sandbox.run([script('killed.py', program)]);
  expect(result.stdout).toBe(
    "blocked after more than 64 KiB\nsender: BrokenPipeError\nreader: 1000 b''\n",
  );
});

test('the process list shows listening ports and connections; the trace records them', async ({
  sandbox,
}) => {
  const server = `
import socket
s = socket.create_server(("0.0.0.0", 8888))
conn, addr = s.accept()
print("accepted", flush=True)
conn.recv(10)
`;
  const client = `
import socket, time
for _ in range(100):
    try:
        c = socket.create_connection(("127.0.0.1", 8888))
        break
    except ConnectionRefusedError:
        time.sleep(0.05)
input()
c.sendall(b"bye")
`;
  const page = sandbox.runner.page;
  const run = sandbox.start([script('server.py', server), script('client.py', client)]);
  const processes = () => page.evaluate(() => window.procboxHeadless.processes());
  const ephemeral = expect.stringMatching(/^127\.0\.0\.1:\d{5}$/);
  await expect
    .poll(async () => (await processes()).map((p) => p.sockets), { timeout: 60_000 })
    .toEqual([
      [
        { state: 'LISTEN', local: '0.0.0.0:8888', peer: null },
        { state: 'ESTAB', local: '127.0.0.1:8888', peer: ephemeral },
      ],
      [{ state: 'ESTAB', local: ephemeral, peer: '127.0.0.1:8888' }],
    ]);
  const [serverRow, clientRow] = await processes();
  const clientEnd = clientRow.sockets[0].local;
  expect(serverRow.sockets[1].peer).toBe(clientEnd);
  await sandbox.runner.writeStdin('\n');
  await run.done;
  const trace = await page.evaluate(() => window.procboxHeadless.trace());
  const net = trace.filter((e) => ['listen', 'connect', 'accept', 'close'].includes(e.type));
  expect(net.map((e) => e.type)).toEqual(['listen', 'connect', 'accept', 'close', 'close']);
  expect(
    trace.filter((e) => e.type === 'send' && 'object' in e).map((e) => 'object' in e && e.object),
  ).toContain(`TCP ${clientEnd} → 127.0.0.1:8888`);
});

test('ForkingMixIn fails with a clear error that points to multiprocessing', async ({
  sandbox,
}) => {
  const program = `
import socket, socketserver, threading

class Hello(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.sendall(b"hi")

server = socketserver.ForkingTCPServer(("127.0.0.1", 0), Hello)
threading.Thread(target=server.serve_forever, daemon=True).start()
socket.create_connection(server.server_address).recv(2)
`;
  const result = await sandbox.run([script('forking.py', program)]);
  expect(result.stderr).toContain('os.fork() is not available in the browser');
  expect(result.stderr).toContain('multiprocessing');
});

test('the timeline draws each TCP message and each UDP datagram with its size', async ({
  sandbox,
}) => {
  const result = await sandbox.run([
    script(
      'main.py',
      `import multiprocessing as mp
import socket


def udp_echo(port_queue):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port_queue.put(s.getsockname()[1])
        data, peer = s.recvfrom(1024)
        s.sendto(data.upper(), peer)


def tcp_echo(listener):
    conn, _ = listener.accept()
    with conn:
        conn.sendall(conn.recv(1024) * 2)


if __name__ == "__main__":
    ports = mp.Queue()
    udp = mp.Process(target=udp_echo, args=(ports,))
    udp.start()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as c:
        c.sendto(b"hello", ("127.0.0.1", ports.get()))
        print(c.recvfrom(1024)[0])
    udp.join()
    listener = socket.create_server(("127.0.0.1", 0))
    tcp = mp.Process(target=tcp_echo, args=(listener,))
    tcp.start()
    with socket.create_connection(listener.getsockname()) as c:
        c.sendall(b"abc")
        print(c.recv(1024))
    tcp.join()
`,
    ),
  ]);
  expect(result.stdout).toBe("b'HELLO'\nb'abcabc'\n");
  const trace = (await sandbox.runner.page.evaluate(() =>
    window.procboxHeadless.trace(),
  )) as TraceEvent[];
  const messages = buildTimeline(trace)
    .arrows.filter((a) => a.kind === 'message')
    .map((a) => `${a.object.split(' ')[0]} ${a.bytes}`);
  expect(messages.sort()).toEqual(['TCP 3', 'TCP 6', 'udp 5', 'udp 5']);
});
