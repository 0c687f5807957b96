"""socket(2)'s answers: a datagram between two processes, and the kinds Linux refuses, with its
errno (socket() is answered in the process itself, without the kernel)."""

import multiprocessing as mp
import socket


def child(port):
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(3):
        c.sendto(b"ping %d" % i, ("127.0.0.1", port))
    c.close()


if __name__ == "__main__":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    p = mp.Process(target=child, args=(s.getsockname()[1],))
    p.start()
    for _ in range(3):
        data, addr = s.recvfrom(100)
        print(data, addr[0])
    p.join()
    s.close()
    for family in (socket.AF_INET, socket.AF_INET6):
        for kind in (0, 3, 4, 5, 6, 7, 9, 11):
            try:
                socket.socket(family, kind)
            except OSError as e:
                print(family.name, kind, type(e).__name__, e.errno)
    try:
        socket.socket(99, socket.SOCK_STREAM)
    except OSError as e:
        print(99, type(e).__name__, e.errno)
    with socket.socket() as fresh:
        print(fresh.family.name, fresh.type.name, fresh.getsockname())
