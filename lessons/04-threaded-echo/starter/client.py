# Three clients at once; each sends two messages, a moment apart. (Given: the checks use this
# file as it is.)
import socket
import threading
import time

print_lock = threading.Lock()  # one whole line at a time: print() writes the text and "\n" apart


def client(n):
    for attempt in range(50):
        try:
            s = socket.create_connection(('127.0.0.1', 8000))
            break
        except ConnectionRefusedError:
            time.sleep(0.1)  # the server is still starting
    else:
        raise SystemExit("the server never came up")
    with s:
        for word in ('hello', 'bye'):
            s.sendall(f'{word} from {n}'.encode())
            reply = s.recv(1024).decode()
            with print_lock:
                print(reply)
            time.sleep(0.3)


threads = [threading.Thread(target=client, args=(n,)) for n in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
