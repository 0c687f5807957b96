"""The 'forkserver' start method, Linux's default since Python 3.14, as the docs use it."""
import multiprocessing as mp
import os


def greet(q, name):
    q.put(f"hello from {name}")


def square(x):
    return x * x


def add(lock, counter, n):
    for _ in range(n):
        with lock:
            counter.value += 1


if __name__ == "__main__":
    ctx = mp.get_context("forkserver")
    print(ctx.get_start_method())
    q = ctx.Queue()
    p = ctx.Process(target=greet, args=(q, "a forkserver child"))
    p.start()
    print(q.get())
    p.join()
    print("exit code", p.exitcode, "parent pid seen:", p.pid != os.getpid())
    with ctx.Pool(2) as pool:
        print(pool.map(square, range(8)))
    lock = ctx.Lock()
    counter = ctx.Value("i", 0)
    workers = [ctx.Process(target=add, args=(lock, counter, 200)) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print("counter", counter.value)
    with ctx.Manager() as manager:
        shared = manager.dict()
        p = ctx.Process(target=shared.__setitem__, args=("key", "value"))
        p.start()
        p.join()
        print(dict(shared))
