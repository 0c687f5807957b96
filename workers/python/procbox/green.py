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

The scheduler is one object, ``Scheduler``; ``scheduler`` below is the process's own, and the
module's functions (``green.wait``, ``green.spawn``, ``green.current``, ...) are its bound
methods. What it needs from the platform is injected: the worker's bridge (``bind``), the clock,
the poller a thread parks on, ``can_run_sync``, ``create_proxy``, the registration of the
doorbell's signal handler and the garbage-collection guard. So tests/python/test_green.py runs
it under native CPython against a fake worker (tests/python/fake_worker.py). Hot paths read its
attributes directly: a lock's uncontended acquire tests ``scheduler.current``, which every
switch updates.
"""

import select
import signal
import sys
import time
from collections import deque

from pyodide.ffi import can_run_sync, create_proxy

from . import gcguard
from .waitsite import site
from .constants import DOORBELL, PARK_BASE, PARK_READY, SLOT_BITS

MAX_SLOTS = (1 << SLOT_BITS) - 1
MAIN_SLOT = 1
# Thread identifiers look like Linux pthread_t values: one 8 MiB stack apart.
_IDENT_BASE = 0x7F3A00000000
_IDENT_STEP = 0x801000

_monotonic = time.monotonic
_unpreemptible_code = set()


def unpreemptible(function):
    """Marks layer code that checks shared state and then waits on it, or updates wait queues:
    the doorbell never switches threads while it is on the stack. A switch between a check
    (``while lock._locked``) and the park would let the wake-up come in between and be lost.
    Methods are marked the same way: the frame of a call runs the function's own code."""
    _unpreemptible_code.add(function.__code__)
    return function


def _install_handler(signum, handler):
    """``signal.signal``, looked up when called: threads.py wraps it after this module loads."""
    return signal.signal(signum, handler)


class GreenThread:
    __slots__ = (
        "slot", "ident", "tid", "function", "handle", "daemon", "poller",
        "ready_since", "waitlist", "timer", "js_wait", "in_call", "call", "waiting",
        "__weakref__",
    )

    def __init__(self, slot, poller, function=None, handle=None, daemon=False):
        self.slot = slot
        self.ident = _IDENT_BASE + slot * _IDENT_STEP
        self.tid = None
        self.function = function
        self.handle = handle
        self.daemon = daemon
        self.poller = poller  # its own empty select.poll object: parking polls it
        self.ready_since = 0.0
        self.waitlist = None  # the deque this thread waits in, while it waits in one
        self.timer = None  # the JS timer that ends its wait early
        self.js_wait = False  # parked until a JS event wakes it
        self.in_call = False  # between starting a JS call and having its reply (wait_call)
        # What it waits on, for the deadlock detector (procbox/stuck.py): the call's name and
        # arguments; and ``(owner, line, api, since)``: the lock or thread handle it waits in
        # (or None), where (waitsite.py), and since when (the scheduler's clock).
        self.call = None
        self.waiting = None


class Scheduler:
    """The run queue, the waits and the switch rule of one process's green threads.

    Platform (injected; the defaults are Pyodide's): ``sync`` is the worker's bridge (None until
    ``bind``), ``clock`` a monotonic clock in seconds, ``new_poller()`` makes the object a thread
    parks on (``poll(PARK_BASE | next << SLOT_BITS | slot)`` resumes ``next`` and suspends the
    caller), ``set_signal_handler(signum, handler)`` registers the doorbell's handler, and
    ``gcguard`` pauses, steps and resumes garbage collection (procbox/gcguard.py)."""

    __slots__ = (
        # the platform
        "sync", "clock", "new_poller", "can_run_sync", "create_proxy", "set_signal_handler",
        "gcguard",
        # the threads
        "main", "outside", "current", "threads", "free_slots", "next_slot",
        "ready", "turn_waiters", "js_waits", "last_turn", "interval",
        # signals
        "signal_hint", "dispatch", "local_signals",
    )

    def __init__(
        self,
        *,
        clock=_monotonic,
        new_poller=select.poll,
        can_run_sync=can_run_sync,
        create_proxy=create_proxy,
        set_signal_handler=_install_handler,
        gcguard=gcguard,
    ):
        self.sync = None
        self.clock = clock
        self.new_poller = new_poller
        self.can_run_sync = can_run_sync
        self.create_proxy = create_proxy
        self.set_signal_handler = set_signal_handler
        self.gcguard = gcguard
        self.main = GreenThread(MAIN_SLOT, new_poller())
        # Who runs while no thread does: Pyodide's own code that starts a task, a JS callback. The
        # doorbell handler and blocking calls do nothing there; thread-local data gets a dict of
        # its own.
        self.outside = GreenThread(0, new_poller())
        self.current = self.main  # the running thread: every switch sets it
        self.threads = {MAIN_SLOT: self.main}
        self.free_slots = []
        self.next_slot = MAIN_SLOT + 1
        self.ready = deque()
        self.turn_waiters = deque()  # parked until the event loop turns (see _turn_event_loop)
        self.js_waits = 0
        self.last_turn = 0.0
        self.interval = 0.005
        self.signal_hint = False
        self.dispatch = None  # runs pending signal handlers in the main thread (signals.check)
        self.local_signals = 0  # raised by _thread.interrupt_main, not by the kernel

    def bind(self, worker, dispatch_signals):
        """Connects the scheduler to the worker (after the snapshot: JS objects are never saved)."""
        self.sync = worker
        self.dispatch = dispatch_signals
        self.main.tid = int(self.sync.pid)
        self.sync.threadSlot(self.main.slot, self.main.tid)
        self.last_turn = self.clock()
        self.sync.bindScheduler(
            self.create_proxy(self._thread_main), self.create_proxy(self._on_signal_notice)
        )
        self.set_signal_handler(DOORBELL, self._on_doorbell)

    def after_fork(self, forker):
        """In a forked child: ``forker`` (the thread that called fork) is the only thread, and
        the main one; the others' JS tasks stayed in the parent."""
        if len(self.threads) > 1:
            self.gcguard.resume()
        # It keeps its slot, and so its ident: a thread started later must not get either.
        forker.waitlist = None
        forker.timer = None
        forker.js_wait = False
        forker.in_call = False
        forker.call = None
        forker.waiting = None
        self.main = self.current = forker
        self.threads = {forker.slot: forker}
        self.free_slots = [slot for slot in range(MAIN_SLOT, self.next_slot) if slot != forker.slot]
        self.ready.clear()
        self.turn_waiters.clear()
        self.js_waits = 0
        self.signal_hint = False
        self.local_signals = 0

    def current_thread(self):
        return self.current

    def main_thread(self):
        return self.main

    def get_ident(self):
        return self.current.ident

    def count(self):
        return len(self.threads) - 1

    def in_main(self):
        return self.current is self.main

    # --- parking ----------------------------------------------------------------------------

    def _park(self, me, next_slot, ready=False):
        """Suspends ``me`` (after resuming ``next_slot``, if not 0) until something resumes it.
        ``ready``: it only yields the CPU (the worker's trace shows it ready, not waiting)."""
        self.current = self.outside
        me.poller.poll(PARK_BASE | (PARK_READY if ready else 0) | (next_slot << SLOT_BITS) | me.slot)
        self.current = me
        if me.js_wait:
            me.js_wait = False
            self.js_waits -= 1
            self.last_turn = self.clock()

    def _take_next(self):
        return self.ready.popleft().slot if self.ready else 0

    def alone(self):
        """No other thread is ready to run: spinning a moment takes no one's turn."""
        return not self.ready

    def only(self):
        """The process has one thread: blocking the worker a moment delays no other."""
        return len(self.threads) == 1

    def can_block(self):
        return self.current is not self.outside and self.sync is not None and self.can_run_sync()

    def _can_park(self):
        if not self.can_block():
            raise RuntimeError("cannot block here: this code runs outside any Python thread")

    @unpreemptible
    def make_ready(self, thread):
        """A thread that waited in Python (a lock, a join) may run again."""
        thread.ready_since = self.clock()
        self.ready.append(thread)

    @unpreemptible
    def yield_now(self):
        """Releases the CPU for a moment, as a GIL drop does: to the longest-waiting ready thread,
        or else to the event loop when a thread waits for it (a start, a kernel reply, a timer)."""
        if not (self.ready or self.js_waits) or not self.can_block():
            return
        me = self.current
        if self.ready:
            nxt = self.ready.popleft()
        elif self.turn_waiters:
            # It only waits for the event loop to have run; a yield is as good.
            nxt = self.turn_waiters.popleft()
            self._cancel_js_wait(nxt)
        else:
            self._turn_event_loop(me)
            return
        self.make_ready(me)
        self._park(me, nxt.slot, ready=True)

    def _cancel_js_wait(self, thread):
        thread.js_wait = False
        self.js_waits -= 1

    def _turn_event_loop(self, me):
        """Parks until the event loop has run what is queued (the worker resumes it afterwards)."""
        me.js_wait = True
        self.js_waits += 1
        self.turn_waiters.append(me)
        self.sync.wakeSoon(me.slot)
        self._park(me, 0, ready=True)
        if me in self.turn_waiters:
            self.turn_waiters.remove(me)

    def _park_on_js(self, me):
        me.js_wait = True
        self.js_waits += 1
        self._park(me, self._take_next())

    @unpreemptible
    def wait_call(self, name, *args):
        """Blocks the calling thread (only) on the bridge's asynchronous call ``name``; returns its
        result. The promise stays in JS: a promise that crosses into Python becomes a Future."""
        self._can_park()
        me = self.current
        # While it waits for its reply the doorbell must not park it for anything else: a reply
        # that arrived during such a park, right after a check found none, would never wake it.
        me.in_call = True
        me.call = (name, args)
        me.waiting = (None, *site(sys._getframe(1)), self.clock())
        try:
            call = self.sync.callFor(me.slot, name, *args)
            # It may still be resumed early (a stale wake-up): it waits on until its reply is there.
            while not self.sync.hasResult(call):
                self._park_on_js(me)
        finally:
            me.in_call = False
            me.call = None
            me.waiting = None
        return self.sync.takeResult(call)

    @unpreemptible
    def wait(self, waitlist, deadline=None, owner=None):
        """Blocks the calling thread in ``waitlist`` until ``wake_one``/``wake_all`` picks it, the
        ``deadline`` (a monotonic time) passes, or, in the main thread, a signal arrives, whose
        handlers then run here (they may raise). Returns False once the deadline has passed.
        Callers re-check their condition in a loop, as with a condition variable. ``owner``,
        the lock or thread handle waited in, names the wait for the deadlock detector."""
        self._can_park()
        me = self.current
        if deadline is not None:
            remaining = deadline - self.clock()
            if remaining <= 0:
                return False
        if me is self.main and self.signal_hint:
            self.dispatch()
        me.waitlist = waitlist
        if deadline is None:
            me.waiting = (owner, *site(sys._getframe(1)), self.clock())
        waitlist.append(me)
        if deadline is None:
            self._park(me, self._take_next())
        else:
            me.timer = self.sync.wakeAfter(me.slot, remaining * 1000.0)
            self._park_on_js(me)
        if me.waitlist is not None:  # the timer or a signal woke it: leave the queue
            _remove(me.waitlist, me)
            me.waitlist = None
        me.timer = None
        me.waiting = None
        if me is self.main and self.signal_hint:
            self.dispatch()
        return deadline is None or self.clock() < deadline

    def _release_from_wait(self, thread):
        """Takes ``thread`` out of its wait (its caller decides how it resumes)."""
        thread.waitlist = None
        if thread.timer is not None:
            # Its timer must not fire once it is queued to run: that would wake it twice.
            self.sync.cancelWake(thread.timer)
            thread.timer = None
            self._cancel_js_wait(thread)

    @unpreemptible
    def wake_one(self, waitlist):
        """Makes the longest waiter of ``waitlist`` ready; returns False if there was none."""
        if not waitlist:
            return False
        thread = waitlist.popleft()
        self._release_from_wait(thread)
        self.make_ready(thread)
        return True

    @unpreemptible
    def wake_all(self, waitlist):
        while waitlist:
            self.wake_one(waitlist)

    # --- threads ----------------------------------------------------------------------------

    @unpreemptible
    def spawn(self, function, handle, daemon):
        """Starts a thread running ``function()``; it begins at the next event-loop turn."""
        if self.free_slots:
            slot = self.free_slots.pop()
        elif self.next_slot <= MAX_SLOTS:
            slot = self.next_slot
            self.next_slot += 1
        else:
            raise RuntimeError("can't start new thread")
        thread = GreenThread(slot, self.new_poller(), function, handle, daemon)
        self.threads[slot] = thread
        handle._bind(thread)
        thread.js_wait = True  # its first run comes from the event loop, like a wake-up
        self.js_waits += 1
        if len(self.threads) == 2:
            self.gcguard.pause()
            self.sync.setSwitchInterval(self.interval * 1000.0)
        self.sync.startThread(slot)
        return thread

    def _thread_main(self, slot):
        """The body of every thread's task (called by the worker through ``callPromising``)."""
        me = self.threads[slot]
        self.current = me
        me.js_wait = False
        self.js_waits -= 1
        self.last_turn = self.clock()
        try:
            me.tid = int(self.wait_call("threadStart"))
            self.sync.threadSlot(slot, me.tid)
            me.function()
        except SystemExit:
            pass
        except BaseException as error:
            _report_unraisable(error, me.function)
        finally:
            self._thread_exit(me)

    @unpreemptible
    def _thread_exit(self, me):
        me.handle._set_done()
        del self.threads[me.slot]
        self.free_slots.append(me.slot)
        if me.tid is not None:
            self.sync.threadExit(me.tid)
        self.sync.threadSlot(me.slot, 0)  # the slot is free: a switch to it names no thread
        if len(self.threads) == 1:
            self.sync.setSwitchInterval(0)
            self.gcguard.resume()
        me.function = None
        self.current = self.outside
        if self.ready:
            self.sync.resume(self.ready.popleft().slot)

    def set_name(self, name):
        if self.current.tid is not None and self.sync is not None:
            self.sync.threadName(self.current.tid, str(name))

    def native_id(self):
        return self.current.tid if self.current.tid is not None else 0

    # --- preemption and signals -------------------------------------------------------------

    def set_switch_interval(self, seconds):
        self.interval = seconds
        if len(self.threads) > 1 and self.sync is not None:
            self.sync.setSwitchInterval(seconds * 1000.0)

    def get_switch_interval(self):
        return self.interval

    def _on_doorbell(self, signum, frame):
        """The interrupt buffer rang: a tick of the switch-interval timer, or a kernel signal."""
        if self.sync.signalsPending():
            self.signal_hint = True
        me = self.current
        if me is self.outside or not self.can_run_sync():
            return  # Python runs outside any thread (a JS callback); handled when a thread resumes
        if not self._preemptible(me, frame):
            return  # the next tick comes soon
        if self.signal_hint:
            if me is self.main:
                self.dispatch()
            else:
                self._prompt_main()
        if len(self.threads) > 1:
            self.gcguard.step()
            self._maybe_switch(me)
        if self.signal_hint and self.current is self.main:
            self.dispatch()

    def _preemptible(self, me, frame):
        """Whether the interrupted thread may be switched out here: not inside the layer's
        primitives, and not on its way to park, which is a switch anyway (switching would queue
        it twice)."""
        if (
            me.in_call
            or me.js_wait
            or me.waitlist is not None
            or me in self.ready
            or me in self.turn_waiters
        ):
            return False
        while frame is not None:
            if frame.f_code in _unpreemptible_code:
                return False
            frame = frame.f_back
        return True

    def _maybe_switch(self, me):
        now = self.clock()
        # Half an interval: ticks jitter, and a whole one would often let a second tick pass.
        if self.js_waits and now - self.last_turn >= self.interval / 2:
            # Kernel replies and timers are JS events: let the event loop run them, so that a
            # sleep ends within a tick of its deadline however busy the other threads are.
            if self._switchable():
                self._turn_event_loop(me)
        elif self.ready and now - self.ready[0].ready_since >= self.interval:
            if self._switchable():
                self.yield_now()

    def _switchable(self):
        """Whether the interrupted code may park. The handler can run in Python that Pyodide calls
        from JavaScript (it builds a JsProxy type with ``abc.register`` the first time a kind of JS
        value reaches Python), where ``can_run_sync()`` says yes but a JSPI suspension fails and
        leaves Pyodide's thread states broken. The next tick switches instead."""
        return not self.sync.jsFrameInside()

    def _prompt_main(self):
        """A signal is for the main thread: CPython runs handlers there, interrupting its wait."""
        if not self._switchable():
            return  # the hint stays set: a later tick prompts it
        main = self.main
        if main.waitlist is not None:
            _remove(main.waitlist, main)
            self._release_from_wait(main)
        elif main in self.ready:
            self.ready.remove(main)
        else:
            return  # it waits for a kernel call, which the kernel interrupts
        me = self.current
        self.make_ready(me)
        self._park(me, main.slot, ready=True)

    def _on_signal_notice(self):
        """The kernel sent a signal while every thread was parked: wake the main thread."""
        self.signal_hint = True
        main = self.main
        if main.waitlist is None:
            return
        _remove(main.waitlist, main)
        self._release_from_wait(main)
        main.js_wait = True  # this wake-up is a JS event
        self.js_waits += 1
        self.sync.resume(main.slot)

    def interrupt_main(self, signum):
        self.local_signals |= 1 << signum
        self.signal_hint = True

    def take_signals(self):
        """The pending signal mask (kernel's and local), cleared."""
        self.signal_hint = False
        mask = int(self.sync.takeSignals()) | self.local_signals
        self.local_signals = 0
        return mask


def _remove(waitlist, thread):
    try:
        waitlist.remove(thread)
    except ValueError:
        pass


def _report_unraisable(error, function):
    """What ``_thread.start_new_thread`` prints for an exception that escapes the thread."""
    import traceback

    print(f"Exception ignored in thread started by: {function!r}", file=sys.stderr)
    traceback.print_exception(error, file=sys.stderr)


def shutdown_wait(handles):
    for handle in handles:
        handle.join(None)


# --- the process's scheduler: the module's functions are its methods ---------------------------

scheduler = Scheduler()

bind = scheduler.bind
current = scheduler.current_thread
main_thread = scheduler.main_thread
get_ident = scheduler.get_ident
count = scheduler.count
in_main = scheduler.in_main
alone = scheduler.alone
only = scheduler.only
can_block = scheduler.can_block
make_ready = scheduler.make_ready
yield_now = scheduler.yield_now
wait_call = scheduler.wait_call
wait = scheduler.wait
wake_one = scheduler.wake_one
wake_all = scheduler.wake_all
spawn = scheduler.spawn
set_name = scheduler.set_name
native_id = scheduler.native_id
set_switch_interval = scheduler.set_switch_interval
get_switch_interval = scheduler.get_switch_interval
interrupt_main = scheduler.interrupt_main
take_signals = scheduler.take_signals
