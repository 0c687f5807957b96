"""poll() and select() flags on TCP sockets and pipes as each end shuts down or closes."""
import os
import select
import socket
import time

NAMES = [(select.POLLIN, "IN"), (select.POLLOUT, "OUT"), (select.POLLERR, "ERR"),
         (select.POLLHUP, "HUP"), (getattr(select, "POLLRDHUP", 0x2000), "RDHUP"), (select.POLLNVAL, "NVAL")]
ASK = select.POLLIN | select.POLLOUT | getattr(select, "POLLRDHUP", 0x2000)


def flags(fd):
    p = select.poll()
    p.register(fd, ASK)
    got = p.poll(0)
    mask = got[0][1] if got else 0
    r, w, x = select.select([fd], [fd], [fd], 0)
    return "|".join(name for bit, name in NAMES if mask & bit) or "-", (bool(r), bool(w), bool(x))


def pair():
    server = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(server.getsockname())
    conn, _ = server.accept()
    server.close()
    return client, conn


def settle():
    time.sleep(0.05)


a, b = pair()
print("open:", flags(a))
b.close(); settle()
print("peer closed:", flags(a))
print("recv:", a.recv(10))
a.shutdown(socket.SHUT_WR); settle()
print("peer closed, we shut WR:", flags(a))
a.close()

a, b = pair()
b.shutdown(socket.SHUT_WR); settle()
print("peer shut WR:", flags(a))
a.shutdown(socket.SHUT_WR); settle()
print("both shut WR:", flags(a), flags(b))
a.close(); b.close()

a, b = pair()
a.shutdown(socket.SHUT_WR); settle()
print("we shut WR:", flags(a))
a.close(); b.close()

a, b = pair()
b.sendall(b"data")
b.close(); settle()
print("peer sent then closed:", flags(a))
print("recv:", a.recv(10), a.recv(10))
a.close()

r, w = os.pipe()
print("pipe open:", flags(r), flags(w))
os.write(w, b"x")
os.close(w)
print("pipe writer closed, data left:", flags(r))
os.read(r, 10)
print("pipe writer closed, drained:", flags(r))
os.close(r)
r, w = os.pipe()
os.close(r)
print("pipe reader closed:", flags(w))
os.close(w)
