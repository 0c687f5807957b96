# TCP and UDP on the loopback network: echo through makefile, addresses, timeouts,
# non-blocking calls, select, and the errors Linux gives (refused, in use, reset, broken pipe).
import select
import socket
import threading
import time

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
port = srv.getsockname()[1]
print("ephemeral port:", 1024 < port < 65536, srv.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) != 0)
srv.listen()


seen = []


def echo():
    conn, addr = srv.accept()
    with conn:
        seen.append((addr[0], conn.getsockname() == ("127.0.0.1", port)))
        f = conn.makefile("rwb")
        for line in f:
            f.write(line.upper())
            f.flush()


t = threading.Thread(target=echo)
t.start()
with socket.create_connection(("localhost", port)) as c:
    print("client peer ok:", c.getpeername() == ("127.0.0.1", port))
    c.sendall(b"one\ntwo\n")
    data = b""
    while data.count(b"\n") < 2:
        data += c.recv(100)
    print(data)
    c.shutdown(socket.SHUT_WR)
    print("after shutdown:", c.recv(100))
t.join()
print("server saw", seen)
srv.close()

try:
    socket.create_connection(("127.0.0.1", port))
except ConnectionRefusedError as e:
    print("refused:", e.errno, e.strerror)
# A non-blocking connect is in progress at once; select and SO_ERROR tell how it ended.
nb = socket.socket()
nb.setblocking(False)
print("non-blocking connect:", nb.connect_ex(("127.0.0.1", port)))
print("writable:", select.select([], [nb], [], 5)[1] == [nb])
print("SO_ERROR:", nb.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), nb.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
nb.close()

a = socket.socket()
a.bind(("127.0.0.1", 0))
a.listen()
p2 = a.getsockname()[1]
b = socket.socket()
try:
    b.bind(("127.0.0.1", p2))
except OSError as e:
    print("in use:", e.errno, e.strerror)
b.close()

client = socket.create_connection(("127.0.0.1", p2))
server, _ = a.accept()
client.settimeout(0.2)
try:
    client.recv(10)
except socket.timeout as e:
    print("timeout:", type(e).__name__, e)
client.setblocking(False)
try:
    client.recv(10)
except BlockingIOError as e:
    print("would block:", type(e).__name__, e.errno)
server.sendall(b"ready")
readable, writable, _ = select.select([client], [client], [], 1)
print("select:", len(readable), len(writable))
nb = socket.socket()
nb.setblocking(False)
print("non-blocking connect:", nb.connect_ex(("127.0.0.1", p2)), select.select([], [nb], [], 5)[1] == [nb])
print("connected:", nb.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), nb.getpeername()[1] == p2)
a.accept()[0].close()
nb.close()
client.setblocking(True)
print(client.recv(10))

client.sendall(b"never read")
time.sleep(0.1)
server.close()  # unread data at close: the client gets a reset
try:
    client.recv(10)
except ConnectionResetError as e:
    print("reset:", e.errno, e.strerror)
client.close()

client = socket.create_connection(("127.0.0.1", p2))
server, _ = a.accept()
client.close()
time.sleep(0.1)
print("first send after the peer closed:", server.send(b"lost"))
time.sleep(0.1)
try:
    server.send(b"again")
except BrokenPipeError as e:
    print("broken pipe:", e.errno, e.strerror)
server.close()
a.close()

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
v.sendto(b"ping", u.getsockname())
data, addr = u.recvfrom(1024)
print("udp:", data, addr[0], addr[1] == v.getsockname()[1])
u.sendto(data.upper(), addr)
print("udp reply:", v.recvfrom(1024)[0])
# A connected datagram socket takes datagrams from its peer only; others are dropped.
w = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
w.sendto(b"before connect", u.getsockname())
print("udp unconnected:", u.recvfrom(1024)[0])
u.connect(v.getsockname())
w.sendto(b"stranger", u.getsockname())
v.sendto(b"peer", u.getsockname())
print("udp connected:", u.recv(1024))
u.setblocking(False)
try:
    u.recv(1024)
except BlockingIOError as e:
    print("udp stranger dropped:", e.errno)
u.send(b"send() goes to the peer")
print("udp connected send:", v.recv(1024))
w.close()

# MSG_PEEK leaves the bytes (or the datagram) for the next read.
with socket.create_server(("127.0.0.1", 0)) as ps:
    pc = socket.create_connection(ps.getsockname())
    pa, _ = ps.accept()
    pc.sendall(b"peekaboo")
    print("peek:", pa.recv(4, socket.MSG_PEEK), pa.recv(100))
    pc.close()
    print("peek at eof:", pa.recv(4, socket.MSG_PEEK))
    pa.close()
d1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
d1.bind(("127.0.0.1", 0))
d2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
d2.sendto(b"datagram", d1.getsockname())
print("peek udp:", d1.recvfrom(4, socket.MSG_PEEK)[0], d1.recvfrom(100)[0])
d1.close()
d2.close()

six = socket.socket(socket.AF_INET6)
six.bind(("::1", 0))
six.listen()
with socket.create_connection(("::1", six.getsockname()[1])) as c6:
    conn6, addr6 = six.accept()
    print("ipv6:", addr6[0], len(addr6), conn6.family.name)
    conn6.close()
six.close()

print(socket.gethostbyname("localhost"))
print(socket.getaddrinfo("localhost", 80, socket.AF_INET, socket.SOCK_STREAM))
x, y = socket.socketpair()
x.sendall(b"pair")
print(y.recv(10), x.family.name, x.type.name)
try:
    socket.create_connection(("no-such-host.invalid", 80))
except socket.gaierror as e:
    print("gaierror:", type(e).__name__)
