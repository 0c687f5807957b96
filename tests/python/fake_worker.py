"""A fake process worker that runs procbox/green.py's scheduler under native CPython.

It mirrors the JavaScript half of green threads (workers/runtime/green-threads.ts) and the
worker's event loop, so that the scheduler runs here as it does in the browser:

- Each green thread is a real OS thread, and exactly one runs at a time: a baton. A thread parks
  with ``poll(PARK_BASE | next << SLOT_BITS | slot)`` on the poller the scheduler made for it;
  ``poll`` below does what ``pollAsync`` does: it resumes ``next``, then returns at once to a
  thread that was woken before it parked (the "woken" set), else suspends it (its OS thread
  blocks on its own semaphore).
- JavaScript's two queues: *microtasks* are threads whose parking promise was resolved, run in
  order; *macrotasks* are the event loop's (kernel replies, timers, ``wakeSoon`` messages, thread
  starts, signal notices), which run only while every thread is parked, in order of their due
  time on a fake clock. The clock moves only when the event loop waits for a timer, or when a test
  calls ``clock.advance`` (a thread spinning that long).
- The doorbell rings only where a test calls ``tick()``: CPython would run the handler at that
  eval-breaker check, with the caller's frame interrupted.

Nothing here sleeps: a test that would hang fails as a deadlock (every thread parked and no event
due), or after ``RUN_TIMEOUT`` seconds of real time at worst.
"""

import heapq
import itertools
import sys
import threading
import traceback
from collections import deque

import layer  # noqa: F401  (puts workers/python and fakes/ on sys.path)

from procbox import green
from procbox.constants import DOORBELL, PARK_BASE, PARK_READY, SLOT_BITS

RUN_TIMEOUT = 10.0
HOLD = object()  # a kernel call whose reply the test gives later, with ``answer``


class Later:
    """A kernel reply that comes ``after`` seconds of fake time."""

    def __init__(self, after, value):
        self.after = after
        self.value = value


class Deadlock(AssertionError):
    pass


class FakeClock:
    """``time.monotonic`` of the fake process, in seconds."""

    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


class FakeGcGuard:
    """procbox/gcguard.py's interface, recording its calls."""

    def __init__(self):
        self.log = []

    def pause(self):
        self.log.append("pause")

    def resume(self):
        self.log.append("resume")

    def step(self):
        self.log.append("step")


class FakePoller:
    """The empty ``select.poll`` object one thread parks on."""

    def __init__(self, worker):
        self.worker = worker
        self.slot = None

    def poll(self, timeout=None):
        if timeout is not None and timeout >= PARK_BASE:
            slot = (timeout - PARK_BASE) & ((1 << SLOT_BITS) - 1)
            if self.slot is None:
                self.slot = slot
            elif self.slot != slot:
                self.worker.fail(AssertionError(f"slot {slot} parked on slot {self.slot}'s poller"))
        return self.worker.poll_async(timeout)


class FakeHandle:
    """What threads._ThreadHandle is to the scheduler: bound at spawn, set done at exit."""

    def __init__(self, scheduler):
        self.scheduler = scheduler
        self.thread = None
        self.done = False
        self.waiters = deque()

    def _bind(self, thread):
        self.thread = thread

    @green.unpreemptible
    def _set_done(self):
        self.done = True
        self.scheduler.wake_all(self.waiters)

    @green.unpreemptible
    def join(self):
        while not self.done:
            self.scheduler.wait(self.waiters)


class FakeWorker:
    """The worker's bridge members the scheduler uses, a fake kernel behind ``callFor``, and the
    process's ``Scheduler``, bound to it (``self.scheduler``)."""

    pid = 100

    def __init__(self):
        self.clock = FakeClock()
        # green-threads.ts
        self.parked = set()
        self.woken = set()  # resumed before it parked: its next park returns at once
        self.results = {}
        self.last_call = 0
        self.soon = []
        self.thread_main = None
        self.on_signal_notice = None
        # JavaScript's queues
        self.microtasks = deque()  # threads whose parking promise resolved, to run in order
        self.tasks = []  # the event loop: a heap of (due, order, function)
        self._order = itertools.count()
        self._timer_ids = itertools.count(1)
        self.cancelled = set()
        # the baton: one semaphore per live OS thread, by slot
        self.gates = {}
        self.running = green.MAIN_SLOT
        self.done = threading.Event()
        self.failure = None
        # the kernel and the process
        self._tids = itertools.count(1001)
        self.kernel = {"threadStart": lambda: next(self._tids)}
        self.calls = []  # (call id, slot, name, args)
        self.signals = 0  # the pending mask of the interrupt buffer
        self.js_frame_inside = False
        self.sync_allowed = True  # can_run_sync()
        # records
        self.parks = {}  # slot -> how many times it parked
        self.switch_intervals = []
        self.thread_names = []
        self.thread_exits = []
        self.started = []
        self.timers = []  # (timer, slot, ms)
        self.cancelled_wakes = []
        self.wake_soons = []
        self.dispatched = []  # (mask, whether the main thread ran it)
        self.on_dispatch = None  # a signal handler: runs in dispatch, given the mask
        self.proxied = []
        self.doorbell = None
        self.tids = {}  # by slot, as threadSlot tells the worker
        self.parked_ready = []  # each park: whether the thread only yielded the CPU
        self.gc = FakeGcGuard()
        self.scheduler = green.Scheduler(
            clock=self.clock,
            new_poller=lambda: FakePoller(self),
            can_run_sync=lambda: self.sync_allowed,
            create_proxy=self._create_proxy,
            set_signal_handler=self._set_signal_handler,
            gcguard=self.gc,
        )
        self.scheduler.bind(self, self._dispatch)

    # --- what the scheduler is given besides the bridge -------------------------------------

    def _create_proxy(self, function):
        self.proxied.append(function)
        return function

    def _set_signal_handler(self, signum, handler):
        assert signum == DOORBELL
        self.doorbell = handler

    def _dispatch(self):
        """signals.check: the handlers of pending signals, in the main thread only."""
        scheduler = self.scheduler
        if not scheduler.in_main():
            self.dispatched.append((None, False))
            return
        mask = scheduler.take_signals()
        self.dispatched.append((mask, True))
        if mask and self.on_dispatch is not None:
            self.on_dispatch(mask)

    # --- the bridge: SchedulerBridge ----------------------------------------------------------

    def bindScheduler(self, thread_main, on_signal_notice):
        self.thread_main = thread_main
        self.on_signal_notice = on_signal_notice

    def threadSlot(self, slot, tid):
        if tid:
            self.tids[slot] = tid
        else:
            self.tids.pop(slot, None)  # its thread ended

    def _wake(self, slot):
        if slot in self.parked:
            self.parked.discard(slot)
            self.microtasks.append(slot)
        else:
            self.woken.add(slot)

    def resume(self, slot):
        if slot in self.soon:
            self.soon.remove(slot)  # handed the CPU before its turn
        self._wake(slot)

    def startThread(self, slot):
        if self.thread_main is None:
            raise RuntimeError("scheduler not bound")
        self.started.append(slot)
        # callPromising waits for a scheduled callback, then runs threadMain(slot) in a new task.
        self._task(0.0, lambda: self.microtasks.append(slot))

    def callFor(self, slot, name, *args):
        handler = self.kernel[name]  # a name the kernel lacks fails in the caller, at once
        self.last_call += 1
        call = self.last_call
        self.calls.append((call, slot, name, args))
        reply = handler(*args)
        if reply is not HOLD:
            if isinstance(reply, Later):
                self.answer(call, reply.value, reply.after)
            else:
                self.answer(call, reply)
        return call

    def answer(self, call, value, after=0.0):
        """The kernel's reply to ``call`` arrives (a message: an event-loop task)."""
        slot = next(s for c, s, *_ in self.calls if c == call)

        def settle():
            self.results[call] = value
            self.resume(slot)

        self._task(after, settle)

    def hasResult(self, call):
        return call in self.results

    def takeResult(self, call):
        return self.results.pop(call, None)

    def wakeAfter(self, slot, ms):
        timer = next(self._timer_ids)
        self.timers.append((timer, slot, ms))

        def fire():
            if timer not in self.cancelled:
                self.resume(slot)

        self._task(ms / 1000.0, fire)
        return timer

    def cancelWake(self, timer):
        self.cancelled.add(timer)
        self.cancelled_wakes.append(timer)

    def wakeSoon(self, slot):
        self.wake_soons.append(slot)
        self.soon.append(slot)

        def turn():
            if self.soon:
                self._wake(self.soon.pop(0))

        self._task(0.0, turn)

    def jsFrameInside(self):
        return self.js_frame_inside

    # --- ThreadBridge, ProcessBridge ----------------------------------------------------------

    def threadName(self, tid, name):
        self.thread_names.append((tid, name))

    def threadExit(self, tid):
        self.thread_exits.append(tid)

    def setSwitchInterval(self, ms):
        self.switch_intervals.append(ms)

    def signalsPending(self):
        return self.signals != 0

    def takeSignals(self):
        mask, self.signals = self.signals, 0
        return mask

    # --- the kernel's side --------------------------------------------------------------------

    def raise_signal(self, signum, after=0.0):
        """The kernel sends ``signum``: it sets the pending bit, then the worker's event loop
        gets the notice (``signalNotice``). A running thread sees the bit at its next ``tick``."""

        def deliver():
            self.signals |= 1 << signum
            self.on_signal_notice()

        self._task(after, deliver)

    def tick(self):
        """The doorbell rings here: the handler interrupts the caller's frame."""
        self.doorbell(DOORBELL, sys._getframe(1))

    # --- the event loop and the baton ---------------------------------------------------------

    def _task(self, after, function):
        heapq.heappush(self.tasks, (self.clock.now + after, next(self._order), function))

    def poll_async(self, timeout):
        """SOCKFS.pollAsync as green-threads.ts hooks it, run by the parking thread."""
        if timeout is None or timeout < PARK_BASE:
            return []  # any other empty poll keeps Emscripten's meaning: return now
        code = timeout - PARK_BASE
        slot = code & ((1 << SLOT_BITS) - 1)
        nxt = (code & ~PARK_READY) >> SLOT_BITS
        self.parked_ready.append(bool(code & PARK_READY))
        if self.running != slot:
            self.fail(AssertionError(f"slot {slot} parked while slot {self.running} runs"))
        if not self.sync_allowed:  # JSPI would throw a SuspendError
            self.fail(AssertionError(f"slot {slot} parked where its stack cannot switch"))
        self.parks[slot] = self.parks.get(slot, 0) + 1
        if nxt:
            self.resume(nxt)
        if slot in self.woken:
            self.woken.discard(slot)
            self.microtasks.append(slot)  # a resolved promise: the stack still suspends a moment
        else:
            self.parked.add(slot)
        self._pass_baton(slot)
        return []

    def _next_to_run(self):
        """Runs the event loop until a thread may run; None when none ever will."""
        while not self.microtasks:
            if not self.tasks:
                return None
            due, _, function = heapq.heappop(self.tasks)
            if due > self.clock.now:
                self.clock.now = due
            function()
        return self.microtasks.popleft()

    def _pass_baton(self, me):
        """``me`` (None: a thread that ended) leaves the CPU; the next runnable thread gets it."""
        nxt = self._next_to_run()
        if nxt is None:
            self.fail(Deadlock(f"every thread is parked and no event is due: {self.describe()}"))
            if me is not None:
                threading.Event().wait()  # parked for good (a daemon thread)
            return
        self.running = nxt
        if nxt == me:
            return
        gate = self.gates.get(nxt)
        if gate is not None:
            gate.release()
        else:
            self._start_os_thread(nxt, self._thread_body)
        if me is not None:
            self.gates[me].acquire()

    def _start_os_thread(self, slot, body):
        self.gates[slot] = threading.Semaphore(0)
        threading.Thread(target=body, args=(slot,), name=f"green-{slot}", daemon=True).start()

    def _thread_body(self, slot):
        try:
            self.thread_main(slot)
        except BaseException as error:  # thread_main reports what escapes; this is a bug
            self.fail(error)
        finally:
            del self.gates[slot]
            if self.running != slot:
                self.fail(AssertionError(f"slot {slot} ended while slot {self.running} runs"))
            self._pass_baton(None)

    def fail(self, error):
        if self.failure is None:
            self.failure = error
        if isinstance(error, Deadlock):
            self.done.set()

    def describe(self):
        s = self.scheduler
        return (
            f"threads {sorted(s.threads)}, ready {[t.slot for t in s.ready]}, "
            f"js_waits {s.js_waits}, parked {sorted(self.parked)}, woken {sorted(self.woken)}"
        )

    # --- running a test -----------------------------------------------------------------------

    def spawn(self, function, daemon=False):
        """Starts a thread running ``function()``; a failure in it fails the run."""

        def body():
            try:
                function()
            except BaseException as error:
                self.fail(error)
                raise

        handle = FakeHandle(self.scheduler)
        self.scheduler.spawn(body, handle, daemon)
        return handle

    def until(self, condition, turns=1000):
        """Yields the calling thread until ``condition()`` holds."""
        for _ in range(turns):
            if condition():
                return
            self.scheduler.yield_now()
        raise AssertionError(f"still not so after {turns} turns: {self.describe()}")

    def run(self, function, leave_threads=False):
        """Runs ``function()`` as the process's main thread, and returns once it has. Unless
        ``leave_threads``, every other thread must have ended by then."""

        def body(slot):
            try:
                function()
                s = self.scheduler
                if not leave_threads and s.count():
                    raise AssertionError(f"threads left running: {self.describe()}")
                if s.js_waits != sum(t.js_wait for t in s.threads.values()):
                    raise AssertionError(f"js_wait accounting is off: {self.describe()}")
            except BaseException as error:
                self.fail(error)
            finally:
                self.done.set()

        self._start_os_thread(green.MAIN_SLOT, body)
        if not self.done.wait(RUN_TIMEOUT):
            raise AssertionError(f"the run hung: {self.describe()}")
        if self.failure is not None:
            if not isinstance(self.failure, AssertionError):
                traceback.print_exception(self.failure, file=sys.stderr)
            raise self.failure
