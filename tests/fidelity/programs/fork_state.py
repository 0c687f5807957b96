import multiprocessing as mp
import threading

counter = 0
guard = threading.Lock()
rguard = threading.RLock()
items = []


class Box:
    def __init__(self, v):
        self.v = v

    def show(self):
        return f"Box({self.v})"


def helper(x):
    return x * 2


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def child(box):
    print("counter", counter, "items", items, box.show(), helper(21), fib(10))
    items.append("child")
    print("child items", items)
    with guard, rguard:
        print("thread locks copied", guard.locked())


if __name__ == "__main__":
    counter = 5
    items.append("parent")
    p = mp.Process(target=child, args=(Box(1),))
    p.start()
    p.join()
    print("parent items", items, "exit", p.exitcode)
    lam = mp.Process(target=lambda: print("lambda child", counter + 1))
    lam.start()
    lam.join()
