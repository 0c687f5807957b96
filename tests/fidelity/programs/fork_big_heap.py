"""A fork of a parent with a large heap (its image is larger than a fork-area slot), and a
fork of that child after it grew: each process sees exactly the bytes it had at the fork."""

import hashlib
import multiprocessing as mp


def digest(data):
    return hashlib.sha256(data).hexdigest()[:16]


def grandchild(q, blob, floats, marks):
    q.put(("grandchild", digest(blob), sum(floats[::1000]), digest(marks)))


def child(q, blob, floats):
    q.put(("child", digest(blob), sum(floats[::1000]), ""))
    marks = bytearray(blob)  # the child's heap grows, then it forks in turn
    marks[::4096] = b"\x01" * len(marks[::4096])
    p = mp.Process(target=grandchild, args=(q, blob, floats, bytes(marks)))
    p.start()
    p.join()


if __name__ == "__main__":
    blob = bytes(range(256)) * (48 * 1024)  # 12 MiB
    floats = [i * 0.5 for i in range(1_000_000)]
    q = mp.Queue()
    p = mp.Process(target=child, args=(q, blob, floats))
    p.start()
    results = sorted(q.get() for _ in range(2))
    p.join()
    for name, *values in results:
        print(name, *values)
    print("parent", digest(blob), sum(floats[::1000]), "exit", p.exitcode)
