"""The multiprocessing docs' terminate() example: right after terminate(), the child is still
alive (Linux delivers the signal and the child dies a moment later); join() reaps it."""
import multiprocessing
import time


def foo():
    time.sleep(5)
    print("Finished function")


if __name__ == "__main__":
    p = multiprocessing.Process(target=foo)
    print("BEFORE:", p.is_alive(), p.exitcode)
    p.start()
    print("DURING:", p.is_alive(), p.exitcode)
    p.terminate()
    print("TERMINATED:", p.is_alive(), p.exitcode)
    p.join()
    print("JOINED:", p.is_alive(), p.exitcode)
    q = multiprocessing.Process(target=foo)
    q.start()
    q.kill()
    q.join()
    print("KILLED:", q.is_alive(), q.exitcode)
