"""Clients in three threads connect at once to a one-threaded server in another process; each
sends a request as soon as it is connected, and every request must reach the server whole."""
import multiprocessing as mp
import socket
import threading


def serve(listener, rounds):
    empty = 0
    for _ in range(rounds):
        conn, _ = listener.accept()
        request = b""
        while not request.endswith(b"\r\n\r\n"):
            chunk = conn.recv(100)
            if not chunk:
                break
            request += chunk
        empty += not request
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
        conn.shutdown(socket.SHUT_WR)
        conn.close()
    print("server: requests lost", empty)


def get(port, answers):
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        data = b""
        while chunk := s.recv(100):
            data += chunk
        answers.append(data.endswith(b"ok"))


if __name__ == "__main__":
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = mp.Process(target=serve, args=(listener, 90))
    server.start()
    answers = []
    for _ in range(30):
        clients = [threading.Thread(target=get, args=(port, answers)) for _ in range(3)]
        for t in clients:
            t.start()
        for t in clients:
            t.join()
    server.join()
    print("client: answers", len(answers), "all whole", all(answers))
