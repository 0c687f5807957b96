# multiprocessing.connection's Listener and Client on an AF_UNIX socket, and Manager(): dict,
# list, Namespace, Queue, Lock and Value proxies shared by four processes, and the context manager.
import multiprocessing as mp
from multiprocessing.connection import Client, Listener


def client(address):
    with Client(address, authkey=b"secret") as conn:
        conn.send(["hello", 42])
        conn.send(("client got", conn.recv()))


def worker(d, l, ns, q, lock, v, i):
    with lock:
        d[i] = i * i
        l.append(i)
        ns.total += i
        v.value += 1
    q.put(i)


if __name__ == "__main__":
    with Listener(authkey=b"secret") as listener:
        print("family", listener._listener._family, type(listener.address).__name__)
        p = mp.Process(target=client, args=(listener.address,))
        p.start()
        with listener.accept() as conn:
            print("server got", conn.recv())
            conn.send("bye")
            print(*conn.recv())
        p.join()

    with mp.Manager() as manager:
        d = manager.dict()
        l = manager.list()
        ns = manager.Namespace()
        ns.total = 0
        q = manager.Queue()
        lock = manager.Lock()
        v = manager.Value("i", 0)
        ps = [mp.Process(target=worker, args=(d, l, ns, q, lock, v, i)) for i in range(4)]
        for p in ps:
            p.start()
        for p in ps:
            p.join()
        print(sorted(d.items()), sorted(l), ns.total, v.value)
        print(sorted(q.get() for _ in range(4)), q.empty())
        print(type(d).__name__, type(l).__name__, type(lock).__name__, type(q).__name__)
        print(d.get(3), len(l), 2 in l, ns)
    try:
        d[5] = 1
    except (EOFError, ConnectionRefusedError, BrokenPipeError, FileNotFoundError) as e:
        print("after shutdown:", type(e).__name__)
    print("manager closed")
