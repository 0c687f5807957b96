"""Signals as Linux delivers them to CPython: handlers for each catchable signal, SIG_IGN and
SIG_DFL, terminate() on a child with a handler, alarm, setitimer, pause, pthread_kill, sigwait,
SIGCHLD, SIGPIPE, asyncio's add_signal_handler, and a process ended by a signal."""

import asyncio
import multiprocessing as mp
import os
import signal
import sys
import threading
import time

log = []


def note(signum, frame):
    log.append(signal.Signals(signum).name)


def handles_term(ready):
    def on_term(signum, frame):
        print("child: SIGTERM handler runs, exiting with 3", flush=True)
        sys.exit(3)

    signal.signal(signal.SIGTERM, on_term)
    ready.set()
    while True:
        time.sleep(0.05)


def ignores_term(ready, done):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ready.set()
    done.wait()
    print("child: SIGTERM ignored, still here", flush=True)


def waits(ready):
    ready.set()
    time.sleep(30)


def inherits(ready):
    # A forked child has its parent's handlers.
    print("child: inherited handler is note:", signal.getsignal(signal.SIGUSR1) is note)
    ready.set()
    time.sleep(30)


def started(target, *args):
    ready = mp.Event()
    p = mp.Process(target=target, args=(ready, *args))
    p.start()
    ready.wait()
    return p


if __name__ == "__main__":
    for sig in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, note)
        os.kill(os.getpid(), sig)
        print("after os.kill", sig.name, "log:", log)
    signal.raise_signal(signal.SIGUSR2)
    print("raise_signal ran the handler:", log[-1])
    print("getsignal:", signal.getsignal(signal.SIGUSR1) is note)
    print("SIGPIPE ignored at start:", signal.getsignal(signal.SIGPIPE) == signal.SIG_IGN)
    for sig in (signal.SIGUSR2, signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)  # a forked child would inherit them

    p = started(handles_term)
    p.terminate()
    p.join()
    print("terminate() with a handler: exitcode", p.exitcode)

    done = mp.Event()
    p = started(ignores_term, done)
    p.terminate()
    time.sleep(0.2)
    done.set()
    p.join()
    print("terminate() ignored: exitcode", p.exitcode)

    p = started(waits)
    p.terminate()
    p.join()
    print("terminate() by default: exitcode", p.exitcode)

    p = started(waits)
    os.kill(p.pid, signal.SIGUSR2)
    p.join()
    print("SIGUSR2 by default: exitcode", p.exitcode)

    p = started(inherits)
    p.kill()
    p.join()
    print("kill(): exitcode", p.exitcode)

    for sig in (signal.SIGKILL, signal.SIGSTOP):
        try:
            signal.signal(sig, note)
        except OSError as error:
            print("cannot catch", sig.name, "->", error)

    signal.signal(signal.SIGALRM, note)
    print("alarm() with none set:", signal.alarm(1))
    print("alarm() again, seconds left of the first:", signal.alarm(1))
    signal.pause()
    print("pause() returned after", log[-1])

    ticks = []
    signal.signal(signal.SIGALRM, lambda s, f: ticks.append(s))
    signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)
    n = 0
    while len(ticks) < 3:  # the timer fires while Python computes
        n += 1
    print("setitimer ticks:", len(ticks), "old:", signal.setitimer(signal.ITIMER_REAL, 0)[1])
    print("getitimer when disarmed:", signal.getitimer(signal.ITIMER_REAL))

    chld = []
    signal.signal(signal.SIGCHLD, lambda s, f: chld.append(s))
    p = mp.Process(target=print, args=("child: short-lived",))
    p.start()
    p.join()
    while not chld:
        time.sleep(0.01)
    print("SIGCHLD handled:", chld[:1])

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    os.kill(os.getpid(), signal.SIGUSR1)
    print("blocked and pending:", signal.sigpending())
    print("sigwait took:", signal.sigwait({signal.SIGUSR1}))
    print("pending after:", signal.sigpending())
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})

    def in_thread():
        signal.pthread_kill(threading.main_thread().ident, signal.SIGHUP)

    signal.signal(signal.SIGHUP, lambda s, f: print("SIGHUP handler runs in", threading.current_thread().name))
    t = threading.Thread(target=in_thread)
    t.start()
    t.join()

    signal.signal(signal.SIGPIPE, note)
    r, w = os.pipe()
    os.close(r)
    time.sleep(0.05)  # Procbox's close reaches the kernel a moment later (README, Limits)
    try:
        os.write(w, b"x")
    except BrokenPipeError as error:
        print("write to a pipe without reader:", type(error).__name__)
    time.sleep(0.1)
    print("SIGPIPE handled:", log[-1])
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)

    async def serve():
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        killer = mp.Process(target=os.kill, args=(os.getpid(), signal.SIGTERM))
        killer.start()
        await stop.wait()
        killer.join()
        print("asyncio: SIGTERM from another process, clean stop")

    asyncio.run(serve())

    print("now SIGTERM by default")
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)
    print("not reached")
