"""is_alive(), exitcode and active_children() while children run, after they end, and after
terminate(): multiprocessing polls each child without blocking (waitpid with WNOHANG)."""
import multiprocessing as mp
import time


def work(seconds):
    time.sleep(seconds)


if __name__ == "__main__":
    slow = mp.Process(target=work, args=(2,), name="slow")
    quick = mp.Process(target=work, args=(0,), name="quick")
    slow.start()
    quick.start()
    print("slow alive:", slow.is_alive(), slow.exitcode)
    quick.join()
    print("quick alive:", quick.is_alive(), quick.exitcode)
    print("active:", sorted(p.name for p in mp.active_children()))
    while slow.is_alive():
        time.sleep(0.05)
    print("slow ended:", slow.exitcode)
    print("active:", mp.active_children())
    doomed = mp.Process(target=work, args=(30,), name="doomed")
    doomed.start()
    print("doomed alive:", doomed.is_alive())
    doomed.terminate()
    doomed.join()
    print("doomed:", doomed.is_alive(), doomed.exitcode)
    many = [mp.Process(target=work, args=(2,)) for _ in range(6)]
    for p in many:
        p.start()
    print("many alive:", sum(p.is_alive() for p in many))
    for p in many:
        p.join()
    print("many after join:", [p.exitcode for p in many])
