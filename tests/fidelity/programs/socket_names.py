import socket, os
for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1"), (socket.AF_INET, "0.0.0.0")):
    l = socket.socket(fam); l.bind((host, 0)); l.listen()
    port = l.getsockname()[1]
    c = socket.socket(fam); c.connect(("127.0.0.1" if host == "0.0.0.0" else host, port))
    s, addr = l.accept()
    print(fam.name, c.getsockname()[1] == addr[1], c.getpeername()[1] == port, s.getsockname()[1] == port, s.getpeername() == c.getsockname(), c.getpeername() == s.getsockname(), s.getsockname()[0], c.getpeername()[0])
    c.close(); s.close(); l.close()
    try:
        c.getsockname()
    except OSError as e:
        print("closed:", e.errno)
path = "/tmp/names.sock"
if os.path.exists(path): os.unlink(path)
l = socket.socket(socket.AF_UNIX); l.bind(path); l.listen()
c = socket.socket(socket.AF_UNIX); c.connect(path)
s, addr = l.accept()
print(repr(c.getsockname()), repr(c.getpeername()), repr(s.getsockname()), repr(s.getpeername()), repr(addr))
os.unlink(path)
