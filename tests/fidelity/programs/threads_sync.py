"""Condition, Barrier, Event, Timer, Lock, RLock and semaphores, with their timeouts."""
import threading
import time

items, cond, consumed = [], threading.Condition(), []


def consumer():
    for _ in range(5):
        with cond:
            while not items:
                cond.wait()
            consumed.append(items.pop(0))


def producer():
    for i in range(5):
        time.sleep(0.01)
        with cond:
            items.append(i)
            cond.notify()


threads = [threading.Thread(target=consumer), threading.Thread(target=producer)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("consumed", consumed)
with cond:
    print("condition wait timed out:", cond.wait(0.05) is False)

barrier = threading.Barrier(3)
arrived = []


def at_barrier(i):
    barrier.wait()
    arrived.append(i)


threads = [threading.Thread(target=at_barrier, args=(i,)) for i in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("barrier passed by", sorted(arrived))
try:
    threading.Barrier(2, timeout=0.05).wait()
except threading.BrokenBarrierError:
    print("barrier broken after its timeout")

event = threading.Event()
started = time.monotonic()
print("event.wait(0.1) ->", event.wait(0.1), "after", round(time.monotonic() - started, 1), "s")
timer = threading.Timer(0.05, event.set)
timer.start()
print("set by a timer:", event.wait(5))
timer.join()
cancelled = threading.Timer(10, print, args=("never",))
cancelled.start()
cancelled.cancel()
cancelled.join()
print("cancelled timer alive:", cancelled.is_alive())

lock = threading.Lock()
print("lock:", lock.acquire(), lock.acquire(blocking=False), lock.acquire(timeout=0.05), lock.locked())
lock.release()
try:
    lock.release()
except RuntimeError as error:
    print("RuntimeError:", error)
try:
    lock.acquire(blocking=False, timeout=1)
except ValueError as error:
    print("ValueError:", error)

rlock = threading.RLock()
with rlock:
    with rlock:
        print("rlock taken twice")


def release_foreign():
    try:
        rlock.release()
    except RuntimeError as error:
        print("RuntimeError:", error)


rlock.acquire()
t = threading.Thread(target=release_foreign)
t.start()
t.join()
rlock.release()

semaphore = threading.Semaphore(2)
print("semaphore:", semaphore.acquire(), semaphore.acquire(), semaphore.acquire(timeout=0.05))
bounded = threading.BoundedSemaphore(1)
bounded.acquire()
bounded.release()
try:
    bounded.release()
except ValueError as error:
    print("ValueError:", error)
