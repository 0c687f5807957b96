"""queue.Queue with task_done/join and 4 workers, the other queues, ThreadPoolExecutor, local."""
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

jobs = queue.Queue()
results = []
results_lock = threading.Lock()


def worker():
    while True:
        item = jobs.get()
        with results_lock:
            results.append(item * 2)
        jobs.task_done()


for _ in range(4):
    threading.Thread(target=worker, daemon=True).start()
for i in range(20):
    jobs.put(i)
jobs.join()
print("Queue.join: all", len(results), "done:", sorted(results) == [i * 2 for i in range(20)])

for kind in (queue.Queue, queue.LifoQueue, queue.PriorityQueue, queue.SimpleQueue):
    q = kind()
    for i in (3, 1, 2):
        q.put(i)
    print(kind.__name__, [q.get() for _ in range(3)], q.empty())
try:
    queue.Queue().get(timeout=0.05)
except queue.Empty:
    print("queue.Empty after the timeout")
full = queue.Queue(maxsize=1)
full.put(1)
try:
    full.put(2, timeout=0.05)
except queue.Full:
    print("queue.Full after the timeout")


def square(x):
    time.sleep(0.01 * (5 - x))
    return x * x


with ThreadPoolExecutor(max_workers=3) as pool:
    print("map:", list(pool.map(square, range(6))))
    futures = [pool.submit(square, x) for x in range(4)]
    print("as_completed:", sorted(f.result() for f in as_completed(futures)))
    failing = pool.submit(lambda: 1 / 0)
    print("exception:", type(failing.exception()).__name__)
with ThreadPoolExecutor(max_workers=2, thread_name_prefix="pool") as pool:
    print("worker names:", sorted(set(pool.map(lambda _: threading.current_thread().name, range(8)))) <= ["pool_0", "pool_1"])

data = threading.local()
data.name = "main"
seen = []


def use_local(i):
    data.name = f"thread {i}"
    time.sleep(0.01)
    seen.append(data.name == f"thread {i}")


threads = [threading.Thread(target=use_local, args=(i,)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("threading.local:", all(seen), len(seen), data.name)


class Counter(threading.local):
    def __init__(self, start):
        self.value = start


counter = Counter(10)
counter.value += 1
other = []
t = threading.Thread(target=lambda: other.append(counter.value))
t.start()
t.join()
print("local subclass:", counter.value, other)
