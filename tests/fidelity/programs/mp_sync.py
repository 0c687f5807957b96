# Locks, semaphores, conditions, events and barriers across processes, with their timeouts and
# errors, a lock whose holder is killed, and a child killed while blocked in Queue.get().
import multiprocessing as mp
import os
import queue
import signal
import threading
import time


def blocked_get(q, started):
    started.set()
    print("child got", q.get())


def hold_forever(lock, held):
    lock.acquire()
    held.set()
    time.sleep(60)


def waiter(event, barrier, cond, box, results, i):
    event.wait()
    n = barrier.wait()
    results.put(("barrier", n >= 0))
    with cond:
        cond.wait_for(lambda: box.value > 0, timeout=10)
        results.put(("cond", box.value))


def sem_worker(sem, active, peak, lock, entered, go):
    with sem:
        with lock:
            active.value += 1
            peak.value = max(peak.value, active.value)
        entered.put(os.getpid() > 0)
        go.wait()
        with lock:
            active.value -= 1


def broken_barrier(barrier, out):
    try:
        barrier.wait(timeout=0.2)
    except threading.BrokenBarrierError:
        out.put("broken")


if __name__ == "__main__":
    lock = mp.Lock()
    print("lock", lock.acquire(), lock.acquire(timeout=0.1), lock.acquire(False))
    lock.release()
    try:
        lock.release()
        lock.release()
    except ValueError as e:
        print("ValueError", e)

    rlock = mp.RLock()
    print("rlock", rlock.acquire(), rlock.acquire(), rlock)
    rlock.release()
    rlock.release()
    try:
        rlock.release()
    except AssertionError as e:
        print("AssertionError", e)

    bsem = mp.BoundedSemaphore(1)
    bsem.acquire()
    bsem.release()
    try:
        bsem.release()
    except ValueError as e:
        print("ValueError", e)

    sem = mp.Semaphore(2)
    active, peak = mp.Value("i", 0), mp.Value("i", 0)
    guard = mp.Lock()
    entered, go = mp.Queue(), mp.Event()
    ps = [mp.Process(target=sem_worker, args=(sem, active, peak, guard, entered, go)) for _ in range(5)]
    for p in ps:
        p.start()
    first = [entered.get() for _ in range(2)]
    time.sleep(0.2)  # nobody else gets in while two hold the semaphore
    print("sem holders", first, active.value, sem.get_value())
    go.set()
    print("sem rest", [entered.get() for _ in range(3)])
    for p in ps:
        p.join()
    print("sem peak", peak.value, "active", active.value, "value", sem.get_value())

    event = mp.Event()
    barrier = mp.Barrier(3)
    cond = mp.Condition()
    box = mp.Value("i", 0, lock=False)
    results = mp.Queue()
    ps = [mp.Process(target=waiter, args=(event, barrier, cond, box, results, i)) for i in range(3)]
    for p in ps:
        p.start()
    print("event wait timeout", event.wait(0.1), event.is_set())
    event.set()
    got = sorted(results.get() for _ in range(3))
    print(got)
    with cond:
        box.value = 7
        cond.notify_all()
    print(sorted(results.get() for _ in range(3)))
    for p in ps:
        p.join()
    print("exit codes", [p.exitcode for p in ps])
    print("barrier parties", barrier.parties, "broken", barrier.broken)

    b2 = mp.Barrier(2)
    p = mp.Process(target=broken_barrier, args=(b2, results))
    p.start()
    p.join()
    print(results.get(), b2.broken)

    c2 = mp.Condition()
    with c2:
        start = time.monotonic()
        print("cond wait timeout", c2.wait(0.2), time.monotonic() - start >= 0.19)

    held = mp.Event()
    lock = mp.Lock()
    p = mp.Process(target=hold_forever, args=(lock, held))
    p.start()
    held.wait()
    os.kill(p.pid, signal.SIGKILL)
    p.join()
    print("killed holder", p.exitcode, "acquire", lock.acquire(timeout=0.3))

    q, started = mp.Queue(), mp.Event()
    p = mp.Process(target=blocked_get, args=(q, started))
    p.start()
    started.wait()
    time.sleep(0.1)
    p.kill()
    p.join()
    q.put("put still works")
    try:
        q.get(timeout=0.5)
    except queue.Empty:
        # As the multiprocessing docs warn: the killed reader still holds the read lock.
        print("killed in get()", p.exitcode, "queue.Empty")
