"""flock and lockf between processes: a shared counter, non-blocking attempts, release on
close and on exit (Linux's rules for both kinds)."""
import fcntl
import multiprocessing as mp
import os


def bump(path, times):
    for _ in range(times):
        with open(path, "r+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            value = int(f.read() or "0")
            f.seek(0)
            f.write(str(value + 1))
            f.truncate()
            fcntl.flock(f, fcntl.LOCK_UN)


def try_flock(path, held, done):
    with open(path) as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            print("child: flock busy:", type(e).__name__, e.errno, e.strerror)
        held.set()
        done.wait()
        fcntl.flock(f, fcntl.LOCK_SH)
        print("child: shared flock taken once the parent let go")


def try_lockf(path, ready, again):
    with open(path, "r+") as f:
        fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, 10, 10)
        print("child: bytes 10-19 locked beside the parent's")
        try:
            fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, 10, 0)
        except OSError as e:
            print("child: bytes 0-9 busy:", type(e).__name__, e.errno)
        ready.set()
        again.wait()
        fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, 10, 0)
        print("child: bytes 0-9 free after the parent closed another descriptor")


def hold_and_exit(path):
    f = open(path)
    fcntl.flock(f, fcntl.LOCK_EX)
    os._exit(0)  # no unlock, no close: the lock goes with the process


if __name__ == "__main__":
    path = "counter.txt"
    with open(path, "w") as f:
        f.write("0")
    workers = [mp.Process(target=bump, args=(path, 50)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    with open(path) as f:
        print("counter:", f.read())

    # flock: the open file description holds it, so two opens conflict in one process.
    a, b = open(path), open(path)
    fcntl.flock(a, fcntl.LOCK_EX)
    try:
        fcntl.flock(b, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as e:
        print("second open in the same process: busy,", e.errno)
    dup = os.dup(a.fileno())
    fcntl.flock(dup, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("a dup shares the description: granted")
    os.close(dup)
    a.close()  # the description's last descriptor: its lock goes
    fcntl.flock(b, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("after the first closed, the second open takes it")
    b.close()

    with open(path) as mine:
        fcntl.flock(mine, fcntl.LOCK_EX)
        held, done = mp.Event(), mp.Event()
        child = mp.Process(target=try_flock, args=(path, held, done))
        child.start()
        held.wait()
        fcntl.flock(mine, fcntl.LOCK_UN)
        done.set()
        child.join()

    # lockf: byte ranges held by the process; closing any descriptor of the file drops them.
    f = open(path, "r+")
    fcntl.lockf(f, fcntl.LOCK_EX, 10, 0)
    ready, again = mp.Event(), mp.Event()
    child = mp.Process(target=try_lockf, args=(path, ready, again))
    child.start()
    ready.wait()
    other = open(path)
    other.close()
    again.set()
    child.join()
    f.close()

    with open(path, "w") as w:
        try:
            fcntl.lockf(w, fcntl.LOCK_SH)
        except OSError as e:
            print("lockf LOCK_SH on a write-only file:", type(e).__name__, e.errno, e.strerror)

    child = mp.Process(target=hold_and_exit, args=(path,))
    child.start()
    child.join()
    with open(path) as f:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        print("the exited child's lock is gone; exit code", child.exitcode)
    try:
        fcntl.flock(12345, fcntl.LOCK_EX)
    except OSError as e:
        print("flock on a closed descriptor:", e.errno, e.strerror)
    os.remove(path)
