"""Sleeps and timed waits end on time, whatever other threads do (threading.Timer's docs)."""

import threading
import time

fired = []


def fire(name):
    fired.append(name)
    print("fired", name, flush=True)


# A sleep shorter than two timers: they are cancelled before they fire.
t1 = threading.Timer(0.3, fire, args=("t1",))
t2 = threading.Timer(0.3, fire, args=("t2",))
t1.start()
t2.start()
time.sleep(0.2)
t1.cancel()
t2.cancel()
t1.join()
t2.join()
print("cancelled in time:", fired == [])

# The same beside a thread that never waits, and timers fire in deadline order.
stop = threading.Event()


def spin():
    while not stop.is_set():
        pass


late = threading.Timer(0.8, fire, args=("late",))
late.start()
timers = [threading.Timer(0.05 * i, fire, args=(f"at {50 * i} ms",)) for i in (4, 2, 5, 3)]
for t in timers:
    t.start()
spinner = threading.Thread(target=spin)
spinner.start()
time.sleep(0.3)
late.cancel()
for t in timers:
    t.join()
stop.set()
spinner.join()
print("fired:", fired)

# Waits never end early.
t0 = time.monotonic()
time.sleep(0.05)
print("sleep(0.05) lasted 50 ms or more:", time.monotonic() - t0 >= 0.05)
event = threading.Event()
t0 = time.monotonic()
print("Event.wait(0.03):", event.wait(0.03), time.monotonic() - t0 >= 0.03)
lock = threading.Lock()
lock.acquire()
for timeout in (0.001, 0.003, 0.01):
    t0 = time.monotonic()
    print(f"acquire(timeout={timeout}):", lock.acquire(timeout=timeout), time.monotonic() - t0 >= timeout)
cond = threading.Condition()
with cond:
    t0 = time.monotonic()
    print("Condition.wait(0.02):", cond.wait(0.02), time.monotonic() - t0 >= 0.02)
