"""flock belongs to the open file description: a forked child that shares it may convert the
lock, and the lock outlives the child; a holder that is killed lets go of it."""
import fcntl
import multiprocessing as mp
import time

PATH = "shared.lock"


def convert_and_exit(f):
    fcntl.flock(f, fcntl.LOCK_SH)  # the parent's description: its lock becomes shared
    print("child: converted the inherited lock to shared")


def hold_forever(path, held):
    f = open(path)
    fcntl.flock(f, fcntl.LOCK_EX)
    held.set()
    while True:
        time.sleep(1)


def attempt(label, how):
    with open(PATH) as g:
        try:
            fcntl.flock(g, how | fcntl.LOCK_NB)
            print(label, "granted")
        except BlockingIOError as e:
            print(label, "busy:", e.errno)


if __name__ == "__main__":
    open(PATH, "w").close()
    f = open(PATH)
    fcntl.flock(f, fcntl.LOCK_EX)
    attempt("exclusive while the parent holds it:", fcntl.LOCK_EX)
    child = mp.Process(target=convert_and_exit, args=(f,))
    child.start()
    child.join()
    print("child exited with", child.exitcode)
    attempt("exclusive after the child converted it:", fcntl.LOCK_EX)
    attempt("shared after the child converted it:", fcntl.LOCK_SH)
    f.close()
    attempt("exclusive after the parent closed it:", fcntl.LOCK_EX)

    held = mp.Event()
    holder = mp.Process(target=hold_forever, args=(PATH, held))
    holder.start()
    held.wait()
    attempt("exclusive while another process holds it:", fcntl.LOCK_EX)
    holder.terminate()
    holder.join()
    print("holder killed:", holder.exitcode)
    attempt("exclusive after the holder was killed:", fcntl.LOCK_EX)
