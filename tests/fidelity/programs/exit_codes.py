import multiprocessing as mp
import sys


def ok():
    pass


def fail():
    raise ValueError("boom")


def exit_none():
    sys.exit()


def exit_str():
    sys.exit("bye")


def exit_7():
    sys.exit(7)


if __name__ == "__main__":
    for f in (ok, fail, exit_none, exit_str, exit_7):
        p = mp.Process(target=f)
        p.start()
        p.join()
        print(f.__name__, p.exitcode, flush=True)
    sys.exit(3)
