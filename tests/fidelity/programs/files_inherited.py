"""A forked child inherits its parent's open files: the same descriptors, one shared offset,
a copy of the unwritten buffer (so "header" is written once by each process, as on Linux),
and the flock the description holds."""
import fcntl
import multiprocessing as mp

log = open("log.txt", "w")
log.write("header\n")
shared = open("data.txt", "w+")
locked = open("lock.txt", "w")


def work(i, lock):
    with lock:
        log.write(f"worker {i}\n")
        log.flush()
    print(i, log.name, log.mode, type(log).__name__)


def reader():
    print("child reads:", repr(shared.read()))
    shared.write("child was here\n")
    shared.flush()


def same_description():
    fcntl.flock(locked, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("the child's flock on the inherited description: granted")
    with open("lock.txt") as mine:
        try:
            fcntl.flock(mine, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            print("its own open of the file: busy,", e.errno)


if __name__ == "__main__":
    lock = mp.Lock()
    workers = [mp.Process(target=work, args=(i, lock)) for i in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    log.write("footer\n")
    log.close()
    print(sorted(open("log.txt").read().splitlines()))

    shared.write("one\ntwo\n")
    shared.flush()
    shared.seek(4)
    child = mp.Process(target=reader)
    child.start()
    child.join()
    print("parent offset after child:", shared.tell())
    shared.seek(0)
    print(repr(shared.read()))

    fcntl.flock(locked, fcntl.LOCK_EX)
    child = mp.Process(target=same_description)
    child.start()
    child.join()
