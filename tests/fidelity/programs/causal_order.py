"""Causal order across processes: each line below is printed after something another process
did after printing the line before it (a Pipe message, a Queue item, a socket message, a
semaphore or Lock release, an exit), so CPython prints them in exactly this order. Two
processes spin meanwhile, as a loaded machine would."""

import multiprocessing as mp
import socket
import time

ROUNDS = 20
EXITS = 5


def spin():
    while True:
        pass


def pipe_child(conn):
    for i in range(ROUNDS):
        got = conn.recv()
        print("pipe child got", got)
        conn.send(got + 1)


def queue_child(requests, replies):
    for i in range(ROUNDS):
        got = requests.get()
        print("queue child got", got)
        replies.put(got + 1)


def socket_child(sock):
    for i in range(ROUNDS):
        got = sock.recv(64).decode()
        print("socket child got", got)
        sock.sendall(f"{got}+".encode())


def semaphore_child(mine, theirs):
    for i in range(ROUNDS):
        mine.acquire()
        print("semaphore child turn", i)
        theirs.release()


def lock_child(lock, ready):
    ready.set()
    with lock:
        print("lock child acquired")


def exiting_child(i):
    print("child", i, "says goodbye")


if __name__ == "__main__":
    for _ in range(2):
        mp.Process(target=spin, daemon=True).start()

    here, there = mp.Pipe()
    child = mp.Process(target=pipe_child, args=(there,))
    child.start()
    n = 0
    for i in range(ROUNDS):
        print("pipe parent sends", n)
        here.send(n)
        n = here.recv() * 2
    child.join()

    requests, replies = mp.Queue(), mp.Queue()
    child = mp.Process(target=queue_child, args=(requests, replies))
    child.start()
    n = 0
    for i in range(ROUNDS):
        print("queue parent puts", n)
        requests.put(n)
        n = replies.get() * 3
    child.join()

    a, b = socket.socketpair()
    child = mp.Process(target=socket_child, args=(b,))
    child.start()
    message = "x"
    for i in range(ROUNDS):
        print("socket parent sends", message)
        a.sendall(message.encode())
        message = a.recv(64).decode() + "x"
    child.join()

    mine, theirs = mp.Semaphore(0), mp.Semaphore(0)
    child = mp.Process(target=semaphore_child, args=(mine, theirs))
    child.start()
    for i in range(ROUNDS):
        print("semaphore parent turn", i)
        mine.release()
        theirs.acquire()
    child.join()

    lock, ready = mp.Lock(), mp.Event()
    lock.acquire()
    child = mp.Process(target=lock_child, args=(lock, ready))
    child.start()
    ready.wait()
    time.sleep(0.05)
    print("lock parent releases")
    lock.release()
    child.join()

    for i in range(EXITS):
        child = mp.Process(target=exiting_child, args=(i,))
        child.start()
        child.join()
        print("parent joined child", i)
    print("done")
