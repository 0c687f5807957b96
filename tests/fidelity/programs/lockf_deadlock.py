"""Two processes each hold one lockf range and ask for the other's: Linux refuses the request
that would close the circle with EDEADLK, instead of letting both wait forever; the other
request is granted once the refused process lets go."""
import fcntl
import multiprocessing as mp

PATH = "ranges.dat"


def side(mine, theirs, barrier):
    with open(PATH, "r+") as f:
        fcntl.lockf(f, fcntl.LOCK_EX, 10, mine)
        barrier.wait()
        try:
            fcntl.lockf(f, fcntl.LOCK_EX, 10, theirs)
            print("granted the other range once its holder gave up")
        except OSError as e:
            print("refused:", type(e).__name__, e.errno, e.strerror)


if __name__ == "__main__":
    with open(PATH, "wb") as f:
        f.write(b"\0" * 20)
    barrier = mp.Barrier(2)
    sides = [mp.Process(target=side, args=(a, b, barrier)) for a, b in ((0, 10), (10, 0))]
    for p in sides:
        p.start()
    for p in sides:
        p.join()
    print("exit codes", [p.exitcode for p in sides])
