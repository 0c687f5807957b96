import socket
import threading


def handle(conn, address):
    with conn:
        while True:
            data = conn.recv(1024)
            if not data:  # the client closed the connection
                break
            conn.sendall(data)


server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('127.0.0.1', 8000))
server.listen()
print("Echo server on port 8000")
while True:
    conn, address = server.accept()
    threading.Thread(target=handle, args=(conn, address), daemon=True).start()
