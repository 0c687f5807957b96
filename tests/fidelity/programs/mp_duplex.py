# Pipe() is duplex by default (a socket pair): request and reply over one connection, EOFError
# once the peer closes or dies, and socket.socketpair() itself with a timeout.
import multiprocessing as mp
import socket
import os


def child(conn):
    while True:
        msg = conn.recv()
        if msg is None:
            break
        conn.send(("echo", msg))
    conn.send_bytes(b"raw bytes")
    conn.close()


def dies(conn):
    conn.send("last words")
    os._exit(3)


if __name__ == "__main__":
    parent, kid = mp.Pipe()
    p = mp.Process(target=child, args=(kid,))
    p.start()
    kid.close()
    for x in [1, "two", [3], {"four": 4}]:
        parent.send(x)
        print(parent.recv())
    print("poll", parent.poll(0.05))
    parent.send(None)
    print(parent.recv_bytes())
    try:
        parent.recv()
    except EOFError:
        print("EOFError after the child closed")
    p.join()
    a, b = mp.Pipe()
    q = mp.Process(target=dies, args=(b,))
    q.start()
    b.close()
    print(a.recv())
    try:
        a.recv()
    except EOFError:
        print("EOFError after the child died")
    q.join()
    print("exitcode", q.exitcode)
    s1, s2 = socket.socketpair()
    print(s1.family, s1.type)
    s1.sendall(b"hello")
    print(s2.recv(100))
    s2.settimeout(0.1)
    try:
        s2.recv(10)
    except TimeoutError as e:
        print("TimeoutError", e)
    s1.close()
    print(s2.recv(10))
    s2.close()
