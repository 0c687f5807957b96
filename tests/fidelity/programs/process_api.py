import multiprocessing as mp
import os
import sys
import time


def child(parent_pid, b=0, *, c=None):
    me = mp.current_process()
    print("child", me.name, b, c)
    parent = mp.parent_process()
    print("parent", parent.name, parent.pid == parent_pid, os.getppid() == parent_pid)
    print("own pid", os.getpid() != parent_pid, me.pid == os.getpid())


def sleeper():
    time.sleep(30)


def exiter(code):
    sys.exit(code)


def late_print():
    time.sleep(0.5)
    print("late child done")


if __name__ == "__main__":
    parent = os.getpid()
    print("main", mp.current_process().name, mp.parent_process())
    p = mp.Process(target=child, args=(parent, 1), kwargs={"c": "x"}, name="worker-a")
    print("before start", p.is_alive(), p.exitcode, p.pid)
    p.start()
    p.join()
    print("after join", p.is_alive(), p.exitcode, p.name)
    s = mp.Process(target=sleeper)
    s.start()
    s.join(0.2)
    print("timeout join", s.is_alive(), s.exitcode, s.name)
    print("active", [c.name for c in mp.active_children()])
    s.terminate()
    s.join()
    print("terminated", s.exitcode, s.is_alive())
    k = mp.Process(target=sleeper)
    k.start()
    k.kill()
    k.join()
    print("killed", k.exitcode)
    e = mp.Process(target=exiter, args=(3,))
    e.start()
    e.join()
    print("exit code", e.exitcode)
    d = mp.Process(target=sleeper, daemon=True)
    d.start()
    print("daemon", d.daemon, d.name)
    n = mp.Process(target=late_print)
    n.start()
    print("main done")
