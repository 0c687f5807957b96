"""What each thread of this process waits on, once none of them can run by itself.

The worker asks (workers/runtime/quiet-watch.ts) after the process has been quiet a moment, and
tells the kernel, whose deadlock detector (workers/kernel/deadlock.ts) sees every process's
answer at once. ``report()`` is None while anything here can still happen without another
process: a thread ready to run or starting, a timed wait, a sleep, a read of typed input, a
socket. Otherwise it is a JSON list of ``StuckThread`` (workers/protocol/deadlock.ts).

It reads the scheduler's records and never runs a thread: the worker calls it while every
thread is parked.
"""

import json

from . import green, locks, threads

# Layer calls that wait, untimed, for something only another thread or process can do.
_UNTIMED = {
    "semWait": lambda sem, ms, *_: {"kind": "sem", "sem": int(sem)} if ms < 0 else None,
    "fdWait": lambda fds, events, ms, *_: (
        {"kind": "fds", "fds": [int(fd) for fd in fds], "events": [int(e) for e in events]}
        if ms < 0
        else None
    ),
    "waitpid": lambda pid, timeout=None, *_: (
        {"kind": "child", "pid": int(pid)} if timeout is None else None
    ),
}


def _python_wait(thread):
    """A wait in one of the layer's wait queues: a lock, a thread's end, or a library
    primitive built on them (an Event, a Condition, a queue.Queue)."""
    owner, line, api, _ = thread.waiting
    if isinstance(owner, threads._ThreadHandle):
        joined = owner._thread
        if joined is not None and joined.tid is not None:
            return {"kind": "join", "tid": joined.tid, "line": line}
    is_lock = isinstance(owner, (locks.LockType, locks.RLock))
    # The program's own lock, taken by the program (not inside an Event or a Condition).
    if is_lock and (api is None or api.startswith("procbox.locks.")):
        if isinstance(owner, locks.RLock):
            holder = owner._owner
        else:
            holder = owner._last_taker if owner._locked else None
        kind = "RLock" if isinstance(owner, locks.RLock) else "Lock"
        name = owner._trace_name or f"threading.{kind}"
        tid = holder.tid if holder is not None and owner._trace_name is not None else None
        return {"kind": "lock", "object": name, "holder": tid, "line": line}
    return {"kind": "python", "object": api or "a wait", "line": line}


def _wait_of(thread):
    if thread.tid is None or thread.waiting is None:
        return None  # still starting, or in a timed wait
    if thread.in_call:
        if thread.call is None:
            return None
        name, args = thread.call
        describe = _UNTIMED.get(name)
        wait = describe(*args) if describe is not None else None
        if wait is not None:
            wait["line"] = thread.waiting[1]
        return wait
    if thread.waitlist is not None and thread.timer is None:
        return _python_wait(thread)
    return None


def report(scheduler=green.scheduler):
    if scheduler.ready or scheduler.turn_waiters:
        return None
    stuck = []
    now = scheduler.clock()
    for thread in scheduler.threads.values():
        wait = _wait_of(thread)
        if wait is None:
            return None
        # How long ago it began, in ms: the worker turns that into the clock all workers share.
        wait["ago"] = (now - thread.waiting[3]) * 1000.0
        stuck.append({"tid": thread.tid, "wait": wait})
    return json.dumps(stuck)
