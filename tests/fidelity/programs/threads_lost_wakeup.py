# A wake-up must never be lost when the switch interval ends between a thread's check of a lock
# or a condition and its wait: a tiny switch interval, lock contention, a bounded queue between a
# producer and a consumer, and short sleeps (kernel waits) so that every kind of switch happens.
import queue
import sys
import threading
import time

sys.setswitchinterval(0.0005)


def round_trip():
    lock = threading.Lock()
    count = 0
    q = queue.Queue(maxsize=4)

    def worker():
        nonlocal count
        for i in range(2000):
            with lock:
                count += 1
            if i % 64 == 0:
                time.sleep(0.0001)

    def producer():
        for i in range(4000):
            q.put(i)
        q.put(None)

    def consumer(out):
        while (item := q.get()) is not None:
            out.append(item)

    got = []
    threads = [threading.Thread(target=worker) for _ in range(3)]
    threads += [threading.Thread(target=producer), threading.Thread(target=consumer, args=(got,))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count, len(got), sum(got)


for n in range(5):
    print(n, *round_trip())
