/** The Python programs the benchmark runs, each both in Procbox and in native python3. */

export const HELLO = 'print("hello")\n';

/**
 * Process.start() to the child's first line, and to join(), ten times. Each start waits a
 * second first, so the warm pool has refilled: this measures a start with a warm pool.
 */
export const PROCESS_START = `import multiprocessing as mp
import time


def child(i):
    print("first", i, repr(time.time()), flush=True)


if __name__ == "__main__":
    for i in range(10):
        time.sleep(1)
        t0 = time.time()
        print("start", i, repr(t0), flush=True)
        p = mp.Process(target=child, args=(i,))
        p.start()
        p.join()
        print("joined", i, repr(time.time()), flush=True)
`;

/**
 * A burst: eight Process.start() calls at once, to the last child's first line (ms). The second
 * first lets the warm pool refill after the warm-up run; eight is more than it holds.
 */
export const BURST_START = `import multiprocessing as mp
import time


def child(times, i):
    times[i] = time.time()


if __name__ == "__main__":
    times = mp.Array("d", 8)
    time.sleep(1)
    t0 = time.time()
    children = [mp.Process(target=child, args=(times, i)) for i in range(8)]
    for p in children:
        p.start()
    for p in children:
        p.join()
    print("result", (max(times) - t0) * 1000)
`;

/** Eight idle children: the memory they take is read from outside. */
export const IDLE_CHILDREN = `import multiprocessing as mp
import time

if __name__ == "__main__":
    for _ in range(8):
        mp.Process(target=time.sleep, args=(600,), daemon=True).start()
    print("idle", flush=True)
    time.sleep(600)
`;

/** Medians of start→first line and start→joined, in ms, from PROCESS_START's output. */
export function startTimes(stdout) {
  const at = { start: [], first: [], joined: [] };
  for (const line of stdout.split('\n')) {
    const [kind, i, t] = line.split(' ');
    if (kind in at) at[kind][Number(i)] = Number(t) * 1000;
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    firstLine: median(at.first.map((t, i) => t - at.start[i])),
    joined: median(at.joined.map((t, i) => t - at.start[i])),
  };
}

/**
 * Thread figures. Each program prints one `result <value>` line, measured inside Python with
 * perf_counter, so that Procbox and native python3 are timed the same way.
 */
export const PURE_PYTHON_LOOP = `import time

def loop():
    x = 0
    for i in range(3_000_000):
        x += i
    return x

t0 = time.perf_counter()
loop()
print("result", (time.perf_counter() - t0) * 1000)
`;

/** Two threads that each give the CPU away 20,000 times: µs per switch. */
export const THREAD_SWITCH = `import threading, time

N = 20_000

def yielder():
    for _ in range(N):
        time.sleep(0)

threads = [threading.Thread(target=yielder) for _ in range(2)]
t0 = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
print("result", (time.perf_counter() - t0) / (2 * N) * 1e6)
`;

/** How late a 10 ms time.sleep() wakes, median of 50 (ms); \`busy\`: beside a thread that
 * never waits, which a sleeper must preempt (CPython: after its 5 ms switch interval). */
export function sleepLateness(busy) {
  return `import threading, time

stop = threading.Event()

def spin():
    while not stop.is_set():
        pass

spinner = threading.Thread(target=spin)
if ${busy ? 'True' : 'False'}:
    spinner.start()
lates = []
for _ in range(50):
    t0 = time.perf_counter()
    time.sleep(0.01)
    lates.append(time.perf_counter() - t0 - 0.01)
stop.set()
if spinner.is_alive():
    spinner.join()
lates.sort()
print("result", lates[len(lates) // 2] * 1000)
`;
}

/** A selector's timed wait on a socket nobody writes (asyncio's call_later waits so): how late
 * select(0.01) returns, median of 50, in ms. */
export const SELECT_LATENESS = `import selectors, socket, time

a, b = socket.socketpair()
selector = selectors.DefaultSelector()
selector.register(a, selectors.EVENT_READ)
lates = []
for _ in range(50):
    t0 = time.perf_counter()
    selector.select(0.01)
    lates.append(time.perf_counter() - t0 - 0.01)
lates.sort()
print("result", lates[len(lates) // 2] * 1000)
`;

/** Two threads handing two locks back and forth 10,000 times: µs per handoff. */
export const LOCK_PING_PONG = `import threading, time

N = 10_000
ping, pong = threading.Lock(), threading.Lock()
pong.acquire()

def player(mine, other):
    for _ in range(N):
        mine.acquire()
        other.release()

threads = [threading.Thread(target=player, args=(ping, pong)),
           threading.Thread(target=player, args=(pong, ping))]
t0 = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
print("result", (time.perf_counter() - t0) / (2 * N) * 1e6)
`;

/** The tutorial's locked counter (examples/12_counter_lock.py), timed whole: ms. */
export function timedExample(source) {
  return `import time
t0 = time.perf_counter()
exec(compile(${JSON.stringify(source)}, "example.py", "exec"), {"__name__": "__main__"})
print("result", (time.perf_counter() - t0) * 1000)
`;
}

export function resultOf(stdout) {
  const line = stdout.split('\n').find((l) => l.startsWith('result '));
  if (!line) throw new Error(`no result line in:\n${stdout}`);
  return Number(line.split(' ')[1]);
}

/**
 * IPC figures: each prints one `result <value>` line, timed inside Python after a warm-up run of
 * the same loop (as a JIT benchmark warms up: V8 first runs Pyodide's WebAssembly from its
 * baseline compiler and optimises the hot functions as they run; native CPython warms its
 * caches too). The README gives the cold figures beside them.
 */
export const QUEUE_THROUGHPUT = `import multiprocessing as mp
import time

WARM = 20000
N = 20000


def produce(q):
    for i in range(WARM + N):
        q.put(i)


if __name__ == "__main__":
    q = mp.Queue()
    p = mp.Process(target=produce, args=(q,))
    p.start()
    for _ in range(WARM):
        q.get()
    t0 = time.perf_counter()
    for _ in range(N):
        q.get()
    p.join()
    print("result", N / (time.perf_counter() - t0))
`;

export const PIPE_ROUND_TRIP = `import multiprocessing as mp
import time

WARM = 10000
N = 2000


def echo(inbox, outbox):
    while True:
        item = inbox.recv_bytes()
        if not item:
            break
        outbox.send_bytes(item)


if __name__ == "__main__":
    inbox, to_child = mp.Pipe(duplex=False)
    from_child, outbox = mp.Pipe(duplex=False)
    p = mp.Process(target=echo, args=(inbox, outbox))
    p.start()
    for _ in range(WARM):
        to_child.send_bytes(b"warm")
        from_child.recv_bytes()
    t0 = time.perf_counter()
    for _ in range(N):
        to_child.send_bytes(b"ping")
        from_child.recv_bytes()
    print("result", (time.perf_counter() - t0) / N * 1e6)
    to_child.send_bytes(b"")
    p.join()
`;

export const POOL_MAP = `import multiprocessing as mp
import time


def square(x):
    return x * x


if __name__ == "__main__":
    with mp.Pool(4) as pool:
        for _ in range(5):
            pool.map(square, range(1000))
        t0 = time.perf_counter()
        pool.map(square, range(1000))
        print("result", (time.perf_counter() - t0) * 1000)
`;

/** The TCP programs: a server process (multiprocessing, fork) and the main process as client. */
const TCP_SERVER = `import multiprocessing as mp
import socket
import time


def serve(listener, mode):
    while True:
        conn, _ = listener.accept()
        if mode == "echo":
            while data := conn.recv(65536):
                conn.sendall(data)
        elif mode == "sink":
            total = 0
            while data := conn.recv(1 << 20):
                total += len(data)
            conn.sendall(str(total).encode())
        conn.close()


def start(mode):
    listener = socket.create_server(("127.0.0.1", 0))
    p = mp.Process(target=serve, args=(listener, mode), daemon=True)
    p.start()
    return listener.getsockname()
`;

export const TCP_ROUND_TRIP = `${TCP_SERVER}
if __name__ == "__main__":
    c = socket.create_connection(start("echo"))
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for _ in range(5000):
        c.sendall(b"ping")
        c.recv(16)
    N = 5000
    t0 = time.perf_counter()
    for _ in range(N):
        c.sendall(b"ping")
        c.recv(16)
    print("result", (time.perf_counter() - t0) / N * 1e6)
`;

export const TCP_THROUGHPUT = `${TCP_SERVER}
if __name__ == "__main__":
    c = socket.create_connection(start("sink"))
    block = bytes(1 << 20)
    MB = 256
    t0 = time.perf_counter()
    for _ in range(MB):
        c.sendall(block)
    c.shutdown(socket.SHUT_WR)
    assert int(c.recv(64)) == MB << 20
    print("result", MB / (time.perf_counter() - t0))
`;

export const TCP_CONNECTIONS = `${TCP_SERVER}
def connections(address, n):
    for _ in range(n):
        s = socket.create_connection(address)
        s.recv(1)
        s.close()


if __name__ == "__main__":
    address = start("close")
    connections(address, 1000)  # the same loop first, as the round trips warm up
    N = 1000
    t0 = time.perf_counter()
    connections(address, N)
    print("result", N / (time.perf_counter() - t0))
`;

/** The asyncio programs: an asyncio echo server in a child process, an asyncio client. */
const ASYNCIO_SERVER = `import asyncio
import multiprocessing as mp
import socket
import time


async def echo(reader, writer):
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    writer.close()


async def serve_on(listener):
    server = await asyncio.start_server(echo, sock=listener, backlog=1024)
    await server.serve_forever()


def serve(listener):
    asyncio.run(serve_on(listener))


def start():
    listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
    mp.Process(target=serve, args=(listener,), daemon=True).start()
    return listener.getsockname()
`;

export const ASYNCIO_ROUND_TRIP = `${ASYNCIO_SERVER}
async def main():
    reader, writer = await asyncio.open_connection(*start())
    for _ in range(3000):
        writer.write(b"ping")
        await reader.readexactly(4)
    N = 3000
    t0 = time.perf_counter()
    for _ in range(N):
        writer.write(b"ping")
        await reader.readexactly(4)
    print("result", (time.perf_counter() - t0) / N * 1e6)
    writer.close()


if __name__ == "__main__":
    asyncio.run(main())
`;

/** 500 clients connect at once, each is echoed once; the rate is clients per second. */
export const ASYNCIO_500_CLIENTS = `${ASYNCIO_SERVER}
async def client(address):
    reader, writer = await asyncio.open_connection(*address)
    writer.write(b"hello")
    await reader.readexactly(5)
    return writer


async def main():
    address = start()
    # The same burst first, as the round trips warm up.
    for writer in await asyncio.gather(*(client(address) for _ in range(500))):
        writer.close()
    await asyncio.sleep(0.2)
    t0 = time.perf_counter()
    writers = await asyncio.gather(*(client(address) for _ in range(500)))
    print("result", 500 / (time.perf_counter() - t0))
    for writer in writers:
        writer.close()


if __name__ == "__main__":
    asyncio.run(main())
`;

/**
 * Output floods: 300,000 lines (about 3.5 MB) through `print`, and through
 * `sys.stdout.buffer.write`. Natively they write to /dev/null and time themselves (the result
 * line goes to stderr); in Procbox the bench times them from outside, from the first output to
 * the last one received by the driver, so the console's whole path is in the figure.
 */
export const FLOOD_LINES = 300_000;
const floodTimed = (loop) => `import sys, time
t0 = time.perf_counter()
${loop}
sys.stdout.flush()
print("result", time.perf_counter() - t0, file=sys.stderr)
`;
export const PRINT_FLOOD = floodTimed(`for i in range(${FLOOD_LINES}):
    print("line", i)`);
export const BUFFER_FLOOD = floodTimed(`write = sys.stdout.buffer.write
for i in range(${FLOOD_LINES}):
    write(b"line %d\\n" % i)`);

/** Files (one filesystem for every process): each figure after a warm-up of the same loop. */
export const FILE_LARGE = `import os, time
def once():
    block = bytes(1 << 20)
    t0 = time.perf_counter()
    with open("/tmp/large.bin", "wb") as f:
        for _ in range(64):
            f.write(block)
    with open("/tmp/large.bin", "rb") as f:
        while f.read(1 << 20):
            pass
    os.remove("/tmp/large.bin")
    return 2 * 64 * (1 << 20) / 1e6 / (time.perf_counter() - t0)
once()
print("result", once())
`;

export const FILE_SMALL = `import time
def once(n):
    data = "x" * 100
    t0 = time.perf_counter()
    for i in range(n):
        with open("small.txt", "w") as f:
            f.write(data)
    return (time.perf_counter() - t0) / n * 1e6
once(500)
print("result", once(2000))
`;

export const FILE_MANY = `import os, time
def once():
    os.mkdir("many")
    t0 = time.perf_counter()
    for i in range(10000):
        with open(f"many/f{i}", "w") as f:
            f.write("x")
    assert len(os.listdir("many")) == 10000
    for name in os.listdir("many"):
        os.remove(os.path.join("many", name))
    os.rmdir("many")
    return (time.perf_counter() - t0) * 1000
once()
print("result", once())
`;

export const FILE_CHILD = `import multiprocessing as mp, os, time
def read(path, q):
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        n = len(f.read())
    q.put(n / 1e6 / (time.perf_counter() - t0))
if __name__ == "__main__":
    with open("shared.bin", "wb") as f:
        f.write(os.urandom(8 << 20))
    q = mp.Queue()
    for _ in range(2):
        p = mp.Process(target=read, args=("shared.bin", q))
        p.start()
        rate = q.get()
        p.join()
    os.remove("shared.bin")
    print("result", rate)
`;

/** subprocess.run of a python that does nothing, 20 times: ms per round trip. */
export const SUBPROCESS_RUN = `import subprocess, sys, time
subprocess.run([sys.executable, "-c", "pass"])  # warm
t0 = time.perf_counter()
for _ in range(20):
    subprocess.run([sys.executable, "-c", "pass"], check=True)
print("result", (time.perf_counter() - t0) * 1000 / 20)
`;

/** 64 MiB from a child's stdout through a PIPE (Popen, 1 MiB reads): MB/s. */
export const SUBPROCESS_PIPE = `import subprocess, sys, time
code = "import sys\\nblock = bytes(1 << 20)\\nfor _ in range(64): sys.stdout.buffer.write(block)"
t0 = time.perf_counter()
p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
total = 0
while chunk := p.stdout.read(1 << 20):
    total += len(chunk)
p.wait()
assert total == 64 << 20, total
print("result", total / 1e6 / (time.perf_counter() - t0))
`;
