# The standard library's servers and clients on the loopback network: socketserver (threaded
# TCP, UDP), a selectors event loop with non-blocking sockets, http.server with http.client
# and urllib.request.
import http.client
import http.server
import selectors
import socket
import socketserver
import threading
import urllib.request


class Upper(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(line.upper())


with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Upper) as server:
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(5)]
    for i, c in enumerate(clients):
        c.sendall(f"client {i}\n".encode())
    for c in clients:
        print(c.makefile("rb").readline())
        c.close()
    server.shutdown()


class Reverse(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        sock.sendto(data[::-1], self.client_address)


with socketserver.UDPServer(("127.0.0.1", 0), Reverse) as udp:
    threading.Thread(target=udp.serve_forever, daemon=True).start()
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.sendto(b"olleh", udp.server_address)
    print(c.recvfrom(100)[0])
    udp.shutdown()

sel = selectors.DefaultSelector()
listener = socket.create_server(("127.0.0.1", 0))
listener.setblocking(False)
sel.register(listener, selectors.EVENT_READ)
port = listener.getsockname()[1]
replies = []


def ask():
    with socket.create_connection(("127.0.0.1", port)) as c:
        c.sendall(b"select me")
        replies.append(c.recv(100))


t = threading.Thread(target=ask)
t.start()
done = False
while not done:
    for key, mask in sel.select(timeout=5):
        if key.fileobj is listener:
            conn, _ = listener.accept()
            conn.setblocking(False)
            sel.register(conn, selectors.EVENT_READ)
            continue
        data = key.fileobj.recv(100)
        if data:
            key.fileobj.sendall(data.upper())
        else:
            sel.unregister(key.fileobj)
            key.fileobj.close()
            done = True
t.join()
print(replies)


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"hello {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


httpd = http.server.HTTPServer(("127.0.0.1", 0), Hello)
threading.Thread(target=httpd.serve_forever, daemon=True).start()
conn = http.client.HTTPConnection("127.0.0.1", httpd.server_port)
conn.request("GET", "/a")
response = conn.getresponse()
print(response.status, response.reason, response.read())
with urllib.request.urlopen(f"http://localhost:{httpd.server_port}/b") as response:
    print(response.status, response.read())
httpd.shutdown()
