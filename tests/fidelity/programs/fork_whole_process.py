"""A forked child is a copy of the whole parent process (multiprocessing's 'fork' on Linux)."""

import calendar
import logging
import multiprocessing as mp
import sys
import threading
from multiprocessing.managers import BaseManager, DictProxy

logging.basicConfig(
    level=logging.INFO, stream=sys.stdout, format="%(processName)s %(levelname)s %(message)s"
)
log = logging.getLogger("demo")


def logs():
    log.info("a child logs through the parent's configuration")
    log.debug("debug stays hidden")


def writes_to(stream):
    print("written to the stream the parent passed", file=stream)
    stream.flush()


def numbers():
    yield from (1, 2, 3)


def takes_generator(gen):
    print("from the parent's generator:", next(gen), next(gen))


def make_target():
    class Point:
        def __init__(self, x, y):
            self.x, self.y = x, y

    def show(point):
        print("local class", type(point).__qualname__, point.x + point.y)

    return Point, show


def module_state():
    print("calendar.firstweekday() in the child:", calendar.firstweekday())


def from_thread():
    def child():
        me = threading.current_thread()
        print("child of a thread:", me.name, threading.active_count(), threading.main_thread() is me)

    p = mp.Process(target=child)
    p.start()
    p.join()


def managed():
    store = {"from": "parent"}

    def get_store():
        return store

    class StoreManager(BaseManager):
        pass

    StoreManager.register("get_store", callable=get_store, proxytype=DictProxy)
    with StoreManager() as manager:
        shared = manager.get_store()
        shared["seen"] = True
        print("manager with a local function:", sorted(shared.items()))


def run(target, *args):
    p = mp.Process(target=target, args=args)
    p.start()
    p.join()
    return p.exitcode


if __name__ == "__main__":
    run(logs)
    run(writes_to, sys.stdout)
    run(takes_generator, numbers())
    Point, show = make_target()
    run(show, Point(2, 3))
    calendar.setfirstweekday(calendar.SUNDAY)
    run(module_state)
    run(lambda: print("a lambda target"))
    worker = threading.Thread(target=from_thread, name="Starter")
    worker.start()
    worker.join()
    managed()
    log.info("parent done")
