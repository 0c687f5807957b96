# multiprocessing.Pipe(duplex=False) and connection.wait: bytes and objects each way, poll with
# a timeout, end of file once every writer is gone (a dead writer included), and sentinels.
import multiprocessing as mp
import os
import threading
import time
from multiprocessing.connection import wait


def echo(inbox, outbox):
    while True:
        item = inbox.recv()
        if item is None:
            break
        outbox.send(("echo", item))
    outbox.close()


def write_then_die(conn):
    conn.send_bytes(b"last words")
    os._exit(3)


def sleeper(seconds):
    time.sleep(seconds)


if __name__ == "__main__":
    inbox, to_child = mp.Pipe(duplex=False)
    from_child, outbox = mp.Pipe(duplex=False)
    p = mp.Process(target=echo, args=(inbox, outbox))
    p.start()
    outbox.close()
    print("poll before:", from_child.poll(0.05))
    for item in [1, "two", {"three": [3]}, b"four"]:
        to_child.send(item)
        print(from_child.recv())
    to_child.send(None)
    to_child.close()
    p.join()
    print("echo exit", p.exitcode)

    reader, writer = mp.Pipe(duplex=False)
    try:
        reader.send(1)
    except OSError as e:
        print("send on read end:", type(e).__name__)
    p = mp.Process(target=write_then_die, args=(writer,))
    p.start()
    writer.close()
    print(reader.recv_bytes())
    try:
        reader.recv_bytes()
    except EOFError:
        print("EOFError after the writer died")
    p.join()
    print("writer exit", p.exitcode)

    a, b = mp.Pipe(duplex=False)
    b.send_bytes(b"0123456789", 2, 5)
    buf = bytearray(10)
    print(a.recv_bytes_into(buf), bytes(buf))
    print("poll empty:", a.poll(0))

    quick = mp.Process(target=sleeper, args=(0.1,))
    slow = mp.Process(target=sleeper, args=(5,))
    quick.start()
    slow.start()
    ready = wait([quick.sentinel, slow.sentinel], timeout=3)
    print("ready:", [s == quick.sentinel for s in ready])
    slow.terminate()
    slow.join()
    quick.join()
    print("exit codes", quick.exitcode, slow.exitcode)
    print("wait timeout:", wait([a], timeout=0.05))

    r, w = os.pipe()
    os.set_blocking(r, False)
    try:
        os.read(r, 1)
    except BlockingIOError as e:
        print("non-blocking read:", type(e).__name__, os.get_blocking(r))
    os.set_blocking(r, True)
    print("blocking again:", os.get_blocking(r))
    later = threading.Timer(0.1, os.write, (w, b"late"))
    later.start()
    print("blocking read:", os.read(r, 10))
    later.join()
