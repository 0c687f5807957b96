# Pool's whole API: map, imap, imap_unordered, starmap, apply, apply_async with callback and
# error_callback, get(timeout), maxtasksperchild, close/join/terminate and the context manager;
# a Pool of 8 over 1,000 tasks; ProcessPoolExecutor; unpicklable arguments.
import multiprocessing as mp
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor


def square(x):
    return x * x


def add(a, b):
    return a + b


def fail(x):
    raise ValueError(f"bad {x}")


def fail_on_one(x):
    if x == 1:
        raise ValueError(f"bad {x}")
    return x


def slow(x):
    time.sleep(x)
    return x


def whoami(_):
    return os.getpid()


if __name__ == "__main__":
    with mp.Pool(4) as pool:
        print(pool.map(square, range(10)))
        print(list(pool.imap(square, range(5))))
        print(sorted(pool.imap_unordered(square, range(5))))
        print(pool.starmap(add, [(1, 2), (3, 4)]))
        print(pool.apply(add, (5, 6)))
        done = []
        r = pool.apply_async(square, (7,), callback=done.append)
        print(r.get(timeout=10), r.ready(), r.successful(), done)
        errors = []
        r = pool.apply_async(fail, (1,), error_callback=errors.append)
        try:
            r.get()
        except ValueError as e:
            print("ValueError", e, errors)
        r = pool.apply_async(slow, (1.0,))
        try:
            r.get(timeout=0.1)
        except mp.TimeoutError:
            print("TimeoutError", type(mp.TimeoutError()).__module__)
        print(r.get())
        try:
            pool.map(fail_on_one, [0, 1, 2])
        except ValueError as e:
            print("map raised", e)
        print(pool.map_async(square, [1, 2, 3]).get())

    with mp.Pool(8) as pool:
        results = pool.map(square, range(1000), chunksize=10)
        print(len(results), sum(results))

    pool = mp.Pool(2, maxtasksperchild=1)
    pids = pool.map(whoami, range(6), chunksize=1)
    pool.close()
    pool.join()
    print("maxtasksperchild", len(set(pids)))

    pool = mp.Pool(2)
    pool.apply_async(slow, (30,))
    pool.terminate()
    pool.join()
    print("terminated")

    try:
        with mp.Pool(2) as pool:
            pool.apply(square, (threading.Lock(),))
    except TypeError as e:
        print("TypeError", e)

    with ProcessPoolExecutor(max_workers=2) as ex:
        print(list(ex.map(square, range(6))))
        f = ex.submit(fail, 2)
        print(type(f.exception()).__name__, f.exception())
    print("done")
