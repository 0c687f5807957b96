"""Green threads: the scheduler under ``_thread``.

Each thread is a Pyodide stack-switching task (a JSPI continuation). Exactly one runs at a time,
as one thread holds CPython's GIL. A thread leaves the CPU by *parking*: it calls ``poll()`` on
its own empty ``select.poll`` object with a timeout that encodes its slot and the slot of the
thread to resume next. Pyodide hands that poll to the worker's ``pollAsync`` hook, which resumes
the next thread and suspends this one (see workers/runtime/green-threads.ts). That path costs a
few microseconds, against ~200 µs for ``pyodide.ffi.run_sync``.

Who wakes a parked thread:
- the scheduler, when another thread hands off to it (the ready queue);
- a JS event: a kernel reply, a timer, or an event-loop turn (``js_wait`` threads).
JS events only run while every thread is parked, so a thread woken by one simply runs.

Preemption: while more than one thread exists, the kernel rings the interrupt buffer every
switch interval. CPython runs the doorbell's handler at its eval-breaker checks, which are the
same places where a real interpreter would drop the GIL; the handler switches threads there, but
never inside the layer's own primitives (``@unpreemptible``), as CPython never switches inside
the C code of its locks.
"""

import select
import signal
import sys
import time
from collections import deque

from pyodide.ffi import can_run_sync, create_proxy

from . import gcguard
from .constants import DOORBELL, PARK_BASE, SLOT_BITS

MAX_SLOTS = (1 << SLOT_BITS) - 1
MAIN_SLOT = 1
# Thread identifiers look like Linux pthread_t values: one 8 MiB stack apart.
_IDENT_BASE = 0x7F3A00000000
_IDENT_STEP = 0x801000

_monotonic = time.monotonic
_new_poller = select.poll
_unpreemptible_code = set()


def unpreemptible(function):
    """Marks layer code that checks shared state and then waits on it, or updates wait queues:
    the doorbell never switches threads while it is on the stack. A switch between a check
    (``while lock._locked``) and the park would let the wake-up come in between and be lost."""
    _unpreemptible_code.add(function.__code__)
    return function


class GreenThread:
    __slots__ = (
        "slot", "ident", "tid", "function", "handle", "daemon", "poller",
        "ready_since", "waitlist", "timer", "js_wait", "in_call", "__weakref__",
    )

    def __init__(self, slot, function=None, handle=None, daemon=False):
        self.slot = slot
        self.ident = _IDENT_BASE + slot * _IDENT_STEP
        self.tid = None
        self.function = function
        self.handle = handle
        self.daemon = daemon
        self.poller = _new_poller()
        self.ready_since = 0.0
        self.waitlist = None  # the deque this thread waits in, while it waits in one
        self.timer = None  # the JS timer that ends its wait early
        self.js_wait = False  # parked until a JS event wakes it
        self.in_call = False  # between starting a JS call and having its reply (wait_call)


sync = None
_main = GreenThread(MAIN_SLOT)
# Who runs while no thread does: Pyodide's own code that starts a task, a JS callback. The
# doorbell handler and blocking calls do nothing there; thread-local data gets a dict of its own.
_outside = GreenThread(0)
_current = _main
_threads = {MAIN_SLOT: _main}
_free_slots = []
_next_slot = MAIN_SLOT + 1
_ready = deque()
_turn_waiters = deque()  # parked until the event loop turns (see _turn_event_loop)
_js_waits = 0
_last_turn = 0.0
_interval = 0.005
_signal_hint = False
_dispatch = None  # runs pending signal handlers in the main thread (kernel.check_signals)


def bind(worker, dispatch_signals):
    """Connects the scheduler to the worker (after the snapshot: JS objects are never saved)."""
    global sync, _dispatch, _last_turn
    sync = worker
    _dispatch = dispatch_signals
    _main.tid = int(sync.pid)
    _last_turn = _monotonic()
    sync.bindScheduler(create_proxy(_thread_main), create_proxy(_on_signal_notice))
    signal.signal(DOORBELL, _on_doorbell)


def current():
    return _current


def main_thread():
    return _main


def get_ident():
    return _current.ident


def count():
    return len(_threads) - 1


def in_main():
    return _current is _main


# --- parking --------------------------------------------------------------------------------


def _park(me, next_slot):
    """Suspends ``me`` (after resuming ``next_slot``, if not 0) until something resumes it."""
    global _current, _js_waits, _last_turn
    _current = _outside
    me.poller.poll(PARK_BASE | (next_slot << SLOT_BITS) | me.slot)
    _current = me
    if me.js_wait:
        me.js_wait = False
        _js_waits -= 1
        _last_turn = _monotonic()


def _take_next():
    return _ready.popleft().slot if _ready else 0


def alone():
    """No other thread is ready to run: spinning a moment takes no one's turn."""
    return not _ready


def can_block():
    return _current is not _outside and sync is not None and can_run_sync()


def _can_park():
    if not can_block():
        raise RuntimeError("cannot block here: this code runs outside any Python thread")


@unpreemptible
def make_ready(thread):
    """A thread that waited in Python (a lock, a join) may run again."""
    thread.ready_since = _monotonic()
    _ready.append(thread)


@unpreemptible
def yield_now():
    """Releases the CPU for a moment, as a GIL drop does: to the longest-waiting ready thread,
    or else to the event loop when a thread waits for it (a start, a kernel reply, a timer)."""
    if not (_ready or _js_waits) or not can_block():
        return
    me = _current
    if _ready:
        nxt = _ready.popleft()
    elif _turn_waiters:
        # It only waits for the event loop to have run; a yield is as good.
        nxt = _turn_waiters.popleft()
        _cancel_js_wait(nxt)
    else:
        _turn_event_loop(me)
        return
    make_ready(me)
    _park(me, nxt.slot)


def _cancel_js_wait(thread):
    global _js_waits
    thread.js_wait = False
    _js_waits -= 1


def _turn_event_loop(me):
    """Parks until the event loop has run what is queued (the worker resumes it afterwards)."""
    global _js_waits
    me.js_wait = True
    _js_waits += 1
    _turn_waiters.append(me)
    sync.wakeSoon(me.slot)
    _park(me, 0)
    if me in _turn_waiters:
        _turn_waiters.remove(me)


def _park_on_js(me):
    global _js_waits
    me.js_wait = True
    _js_waits += 1
    _park(me, _take_next())


@unpreemptible
def wait_call(name, *args):
    """Blocks the calling thread (only) on the bridge's asynchronous call ``name``; returns its
    result. The promise stays in JS: a promise that crosses into Python becomes a Future."""
    _can_park()
    me = _current
    # While it waits for its reply the doorbell must not park it for anything else: a reply
    # that arrived during such a park, right after a check found none, would never wake it.
    me.in_call = True
    try:
        call = sync.callFor(me.slot, name, *args)
        # It may still be resumed early (a stale wake-up): it waits on until its reply is there.
        while not sync.hasResult(call):
            _park_on_js(me)
    finally:
        me.in_call = False
    return sync.takeResult(call)


@unpreemptible
def wait(waitlist, deadline=None):
    """Blocks the calling thread in ``waitlist`` until ``wake_one``/``wake_all`` picks it, the
    ``deadline`` (a monotonic time) passes, or, in the main thread, a signal arrives, whose
    handlers then run here (they may raise). Returns False once the deadline has passed.
    Callers re-check their condition in a loop, as with a condition variable."""
    _can_park()
    me = _current
    if deadline is not None:
        remaining = deadline - _monotonic()
        if remaining <= 0:
            return False
    if me is _main and _signal_hint:
        _dispatch()
    me.waitlist = waitlist
    waitlist.append(me)
    if deadline is None:
        _park(me, _take_next())
    else:
        me.timer = sync.wakeAfter(me.slot, remaining * 1000.0)
        _park_on_js(me)
    if me.waitlist is not None:  # the timer or a signal woke it: leave the queue
        _remove(me.waitlist, me)
        me.waitlist = None
    me.timer = None
    if me is _main and _signal_hint:
        _dispatch()
    return deadline is None or _monotonic() < deadline


def _remove(waitlist, thread):
    try:
        waitlist.remove(thread)
    except ValueError:
        pass


def _release_from_wait(thread):
    """Takes ``thread`` out of its wait (its caller decides how it resumes)."""
    thread.waitlist = None
    if thread.timer is not None:
        # Its timer must not fire once it is queued to run: that would wake it twice.
        sync.cancelWake(thread.timer)
        thread.timer = None
        _cancel_js_wait(thread)


@unpreemptible
def wake_one(waitlist):
    """Makes the longest waiter of ``waitlist`` ready; returns False if there was none."""
    if not waitlist:
        return False
    thread = waitlist.popleft()
    _release_from_wait(thread)
    make_ready(thread)
    return True


@unpreemptible
def wake_all(waitlist):
    while waitlist:
        wake_one(waitlist)


# --- threads --------------------------------------------------------------------------------


@unpreemptible
def spawn(function, handle, daemon):
    """Starts a thread running ``function()``; it begins at the next event-loop turn."""
    global _next_slot, _js_waits
    if _free_slots:
        slot = _free_slots.pop()
    elif _next_slot <= MAX_SLOTS:
        slot = _next_slot
        _next_slot += 1
    else:
        raise RuntimeError("can't start new thread")
    thread = GreenThread(slot, function, handle, daemon)
    _threads[slot] = thread
    handle._bind(thread)
    thread.js_wait = True  # its first run comes from the event loop, like a wake-up
    _js_waits += 1
    if len(_threads) == 2:
        gcguard.pause()
        sync.setSwitchInterval(_interval * 1000.0)
    sync.startThread(slot)
    return thread


def _thread_main(slot):
    """The body of every thread's task (called by the worker through ``callPromising``)."""
    global _current, _js_waits, _last_turn
    me = _threads[slot]
    _current = me
    me.js_wait = False
    _js_waits -= 1
    _last_turn = _monotonic()
    try:
        me.tid = int(wait_call("threadStart"))
        me.function()
    except SystemExit:
        pass
    except BaseException as error:
        _report_unraisable(error, me.function)
    finally:
        _thread_exit(me)


def _report_unraisable(error, function):
    """What ``_thread.start_new_thread`` prints for an exception that escapes the thread."""
    import traceback

    print(f"Exception ignored in thread started by: {function!r}", file=sys.stderr)
    traceback.print_exception(error, file=sys.stderr)


@unpreemptible
def _thread_exit(me):
    global _current
    me.handle._set_done()
    del _threads[me.slot]
    _free_slots.append(me.slot)
    if me.tid is not None:
        sync.threadExit(me.tid)
    if len(_threads) == 1:
        sync.setSwitchInterval(0)
        gcguard.resume()
    me.function = None
    _current = _outside
    if _ready:
        sync.resume(_ready.popleft().slot)


def set_name(name):
    if _current.tid is not None and sync is not None:
        sync.threadName(_current.tid, str(name))


def native_id():
    return _current.tid if _current.tid is not None else 0


def shutdown_wait(handles):
    for handle in handles:
        handle.join(None)


# --- preemption and signals -----------------------------------------------------------------


def set_switch_interval(seconds):
    global _interval
    _interval = seconds
    if len(_threads) > 1 and sync is not None:
        sync.setSwitchInterval(seconds * 1000.0)


def _on_doorbell(signum, frame):
    """The interrupt buffer rang: a tick of the switch-interval timer, or a kernel signal."""
    global _signal_hint
    if sync.signalsPending():
        _signal_hint = True
    me = _current
    if me is _outside or not can_run_sync():
        return  # Python runs outside any thread (a JS callback); handled when a thread resumes
    if not _preemptible(me, frame):
        return  # the next tick comes soon
    if _signal_hint:
        if me is _main:
            _dispatch()
        else:
            _prompt_main()
    if len(_threads) > 1:
        gcguard.step()
        _maybe_switch(me)
    if _signal_hint and _current is _main:
        _dispatch()


def _preemptible(me, frame):
    """Whether the interrupted thread may be switched out here: not inside the layer's primitives,
    and not on its way to park, which is a switch anyway (switching would queue it twice)."""
    if me.in_call or me.js_wait or me.waitlist is not None or me in _ready or me in _turn_waiters:
        return False
    while frame is not None:
        if frame.f_code in _unpreemptible_code:
            return False
        frame = frame.f_back
    return True


def _maybe_switch(me):
    now = _monotonic()
    if _js_waits and now - _last_turn >= _interval:
        # Kernel replies and timers are JS events: let the event loop run them.
        if _switchable():
            _turn_event_loop(me)
    elif _ready and now - _ready[0].ready_since >= _interval:
        if _switchable():
            yield_now()


def _switchable():
    """Whether the interrupted code may park. The handler can run in Python that Pyodide calls
    from JavaScript (it builds a JsProxy type with ``abc.register`` the first time a kind of JS
    value reaches Python), where ``can_run_sync()`` says yes but a JSPI suspension fails and
    leaves Pyodide's thread states broken. The next tick switches instead."""
    return not sync.jsFrameInside()


def _prompt_main():
    """A signal is for the main thread: CPython runs handlers there, interrupting its wait."""
    if not _switchable():
        return  # the hint stays set: a later tick prompts it
    if _main.waitlist is not None:
        _remove(_main.waitlist, _main)
        _release_from_wait(_main)
    elif _main in _ready:
        _ready.remove(_main)
    else:
        return  # it waits for a kernel call, which the kernel interrupts
    me = _current
    make_ready(me)
    _park(me, MAIN_SLOT)


def _on_signal_notice():
    """The kernel sent a signal while every thread was parked: wake the main thread."""
    global _signal_hint, _js_waits
    _signal_hint = True
    if _main.waitlist is None:
        return
    _remove(_main.waitlist, _main)
    _release_from_wait(_main)
    _main.js_wait = True  # this wake-up is a JS event
    _js_waits += 1
    sync.resume(MAIN_SLOT)


_local_signals = 0  # raised by _thread.interrupt_main, not by the kernel


def interrupt_main(signum):
    global _local_signals, _signal_hint
    _local_signals |= 1 << signum
    _signal_hint = True


def take_signals():
    """The pending signal mask (kernel's and local), cleared."""
    global _signal_hint, _local_signals
    _signal_hint = False
    mask = int(sync.takeSignals()) | _local_signals
    _local_signals = 0
    return mask
