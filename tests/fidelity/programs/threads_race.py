"""A read and a write that straddle a switch point lose updates; the locked version never does."""
import threading
import time

counter = 0


def racy():
    global counter
    for _ in range(1000):
        tmp = counter
        time.sleep(0)
        counter = tmp + 1


threads = [threading.Thread(target=racy) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("unlocked lost updates:", counter < 2000)

counter = 0
lock = threading.Lock()


def locked():
    global counter
    for _ in range(1000):
        with lock:
            tmp = counter
            time.sleep(0)
            counter = tmp + 1


threads = [threading.Thread(target=locked) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("locked:", counter)
