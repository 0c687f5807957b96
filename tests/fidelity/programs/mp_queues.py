# multiprocessing queues: blocking and timeouts, Empty and Full, qsize and empty, close and
# join_thread, SimpleQueue, JoinableQueue's task_done and join, and ordering per producer.
import multiprocessing as mp
import queue


def produce(q, tag, n):
    for i in range(n):
        q.put((tag, i))


def work(jq, results):
    while True:
        item = jq.get()
        if item is None:
            jq.task_done()
            break
        results.put(item * item)
        jq.task_done()


if __name__ == "__main__":
    q = mp.Queue(maxsize=2)
    q.put(1)
    q.put(2)
    try:
        q.put(3, timeout=0.05)
    except queue.Full:
        print("Full after timeout")
    try:
        q.put_nowait(3)
    except queue.Full:
        print("Full without waiting")
    print(q.get(), q.get())
    try:
        q.get(timeout=0.05)
    except queue.Empty:
        print("Empty after timeout")
    try:
        q.get(block=False)
    except queue.Empty:
        print("Empty without waiting")

    q = mp.Queue()
    producers = [mp.Process(target=produce, args=(q, tag, 2500)) for tag in "abcd"]
    for p in producers:
        p.start()
    seen = {tag: [] for tag in "abcd"}
    for _ in range(10000):
        tag, i = q.get(timeout=30)
        seen[tag].append(i)
    for p in producers:
        p.join()
    print("in order per producer:", all(v == list(range(2500)) for v in seen.values()))
    print("empty:", q.empty(), "qsize:", q.qsize())
    q.put("x")
    q.close()
    q.join_thread()
    try:
        q.put("y")
    except ValueError as e:
        print("ValueError:", str(e).endswith("is closed"))

    sq = mp.SimpleQueue()
    sq.put([1, 2])
    print("simple:", sq.empty(), sq.get(), sq.empty())
    sq.close()

    jq = mp.JoinableQueue()
    results = mp.Queue()
    workers = [mp.Process(target=work, args=(jq, results)) for _ in range(3)]
    for w in workers:
        w.start()
    for i in range(10):
        jq.put(i)
    for _ in workers:
        jq.put(None)
    jq.join()
    print("squares:", sorted(results.get() for _ in range(10)))
    for w in workers:
        w.join()
    try:
        jq.task_done()
    except ValueError as e:
        print("ValueError:", e)
