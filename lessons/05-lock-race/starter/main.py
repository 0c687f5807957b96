import threading
import time

counter = 0


def deposit(times):
    global counter
    for _ in range(times):
        value = counter      # read
        time.sleep(0)        # a switch point: another thread may run here
        counter = value + 1  # write


threads = [threading.Thread(target=deposit, args=(1000,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"counter = {counter}")
