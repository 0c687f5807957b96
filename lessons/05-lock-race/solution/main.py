import threading
import time

counter = 0
lock = threading.Lock()


def deposit(times):
    global counter
    for _ in range(times):
        with lock:  # read and write as one step: no other thread gets in between
            value = counter
            time.sleep(0)
            counter = value + 1


threads = [threading.Thread(target=deposit, args=(1000,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"counter = {counter}")
