"""procbox/ipcnames.py: naming multiprocessing's objects, and reporting operations for the trace.

The module speaks to the worker through ``bridge.sync``: a recording fake stands in for it
(``ipcLabel``, ``ipcOp``, ``fdRing``, and the kernel semaphores of the layer's SemLock). Thread
ids come from ``green.native_id()``, patched here with unittest.mock: a number the test sets, or
the OS thread's id where real threads run.

The last tests run ``install()`` on native CPython's multiprocessing, with the layer's
``_multiprocessing`` (kernel semaphores on the fake) and pipes that report their rings as
procbox.fds does; every class and function ``install()`` replaces is put back afterwards.
"""

import contextlib
import functools
import itertools
import os
import queue
import sys
import socket
import threading
import types
import unittest
from unittest import mock

from layer import layer_multiprocessing

from procbox import bridge, green, ipcnames, threadtrace

# After layer: a first import of multiprocessing.synchronize binds the layer's
# _multiprocessing, as in a Procbox process (the tests below do not count on it).
import multiprocessing
from multiprocessing import connection, pool, queues, synchronize


class FakeWorker:
    """The worker's bridge, as ipcnames and the layer's SemLock use it."""

    def __init__(self):
        self.labels = []  # (kind, objects)
        self.ops = []  # (op, tid, object)
        self.sites = []  # the program's line that made each
        self.rings = {}  # descriptor -> the ring it reads
        self.sems = {}  # kernel semaphore -> value
        self._handles = itertools.count(101)
        self._rings = itertools.count(9001)
        self._guard = threading.Lock()

    def ipcLabel(self, kind, objects):
        self.labels.append((kind, list(objects)))

    def ipcOp(self, op, tid, obj, size=None, site=None):
        self.ops.append((op, tid, obj))
        self.sites.append(site)

    def fdRing(self, fd):
        return self.rings.get(fd, -1)

    def semTryAcquire(self, sem):
        with self._guard:
            if self.sems[sem] > 0:
                self.sems[sem] -= 1
                return True
            return False

    def semRelease(self, sem):
        with self._guard:
            self.sems[sem] += 1

    def semValue(self, sem):
        return self.sems[sem]

    def semClose(self, sem):
        pass

    def call(self, name, *args):
        """``bridge.call``: the kernel's replies, at once."""
        if name == "semCreate":
            value = args[0]
            handle = next(self._handles)
            self.sems[handle] = value
            return handle, None
        if name == "semWait":
            return None, None
        raise AssertionError(f"unexpected kernel call {name}{args}")

    def new_ring(self):
        return next(self._rings)


class IpcTestCase(unittest.TestCase):
    def setUp(self):
        self.worker = FakeWorker()
        bridge.sync = self.worker
        self.addCleanup(setattr, bridge, "sync", None)
        self.tid = 1
        patcher = mock.patch.object(green, "native_id", lambda: self.tid)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.handles = itertools.count(1)

    def kernel_object(self):
        """What the layer's SemLock or fds.pipe() does when the kernel made an object."""
        handle = next(self.handles)
        ipcnames.created(handle)
        return handle


class ConstructorTest(IpcTestCase):
    def test_constructor_names_what_it_made(self):
        def make(value):
            """Makes a queue."""
            ipcnames.created(1)
            ipcnames.created(2, 3)
            return value * 2

        Queue = ipcnames.constructor("Queue", make)
        self.assertEqual(Queue(21), 42)
        self.assertEqual(self.worker.labels, [("Queue", [1, 2, 3])])
        self.assertEqual((Queue.__name__, Queue.__doc__), ("make", "Makes a queue."))
        self.assertIs(Queue.__wrapped__, make)

    def test_outermost_constructor_wins(self):
        Lock = ipcnames.constructor("Lock", lambda: self.kernel_object())

        def make_queue():
            pipe = self.kernel_object()
            return pipe, Lock(), Lock()

        Queue = ipcnames.constructor("Queue", make_queue)
        JoinableQueue = ipcnames.constructor("JoinableQueue", lambda: (Queue(), Lock()))
        self.assertEqual(Queue(), (1, 2, 3))
        self.assertEqual(JoinableQueue(), ((4, 5, 6), 7))
        self.assertEqual(Lock(), 8)
        self.assertEqual(
            self.worker.labels,
            [("Queue", [1, 2, 3]), ("JoinableQueue", [4, 5, 6, 7]), ("Lock", [8])],
        )

    def test_nothing_made_nothing_named(self):
        ipcnames.constructor("Event", lambda: None)()
        ipcnames.created(99)  # outside any constructor: nobody's
        ipcnames.constructor("Lock", lambda: self.kernel_object())()
        self.assertEqual(self.worker.labels, [("Lock", [1])])

    def test_unbound_worker_names_nothing(self):
        bridge.sync = None  # the memory snapshot, before the process starts
        Lock = ipcnames.constructor("Lock", lambda: self.kernel_object())
        self.assertEqual(Lock(), 1)
        bridge.sync = self.worker
        self.assertEqual(Lock(), 2)
        self.assertEqual(self.worker.labels, [("Lock", [2])])

    def test_failed_constructor_names_what_exists_and_ends(self):
        def broken():
            self.kernel_object()
            raise ValueError("no more semaphores")

        Pipe = ipcnames.constructor("Pipe", broken)
        with self.assertRaisesRegex(ValueError, "no more semaphores"):
            Pipe()
        ipcnames.constructor("Lock", lambda: self.kernel_object())()
        self.assertEqual(self.worker.labels, [("Pipe", [1]), ("Lock", [2])])

    def test_inner_failure_caught_by_the_outer_constructor(self):
        Pipe = ipcnames.constructor("Pipe", lambda: [self.kernel_object(), 1 / 0])

        def make_pool():
            with contextlib.suppress(ZeroDivisionError):
                Pipe()
            self.kernel_object()

        ipcnames.constructor("Pool", make_pool)()
        self.assertEqual(self.worker.labels, [("Pool", [1, 2])])

    def test_each_thread_has_its_own_constructor(self):
        Lock = ipcnames.constructor("Lock", lambda: self.kernel_object())

        def make_queue():
            self.kernel_object()
            self.tid = 2  # a switch: thread 2 runs inside thread 1's constructor
            ipcnames.created(50)  # thread 2 is in no constructor: nobody's
            Lock()  # thread 2's own constructor, outermost there
            self.tid = 1
            self.kernel_object()

        ipcnames.constructor("Queue", make_queue)()
        self.assertEqual(self.worker.labels, [("Lock", [2]), ("Queue", [1, 3])])

    def test_real_threads_each_name_their_own(self):
        Lock = ipcnames.constructor("Lock", lambda: self.kernel_object())
        inside, done = threading.Event(), threading.Event()

        def make_queue():
            self.kernel_object()
            inside.set()
            self.assertTrue(done.wait(5))
            self.kernel_object()

        Queue = ipcnames.constructor("Queue", make_queue)
        with mock.patch.object(green, "native_id", threading.get_native_id):
            thread = threading.Thread(target=Queue)
            thread.start()
            self.assertTrue(inside.wait(5))
            Lock()
            done.set()
            thread.join(5)
        self.assertEqual(self.worker.labels, [("Lock", [2]), ("Queue", [1, 3])])


class Channel:
    """Something with operations, as a Queue or a Connection."""

    def __init__(self, ring=7):
        self.items = []
        self.ring = ring

    def put(self, item):
        self.items.append(item)
        return "queued"

    def get(self):
        if not self.items:
            raise queue.Empty
        return self.items.pop(0)

    def put_all(self, *items):
        """A reported operation made of reported operations (Queue.put takes a lock)."""
        for item in items:
            self.put(item)

    def acquire(self, blocking=True, timeout=None):
        return bool(self.items)


def _ring(channel):
    return channel.ring


for _op, _name in (("put", "put"), ("get", "get"), ("put", "put_all"), ("acquire", "acquire")):
    setattr(Channel, _name, ipcnames._operation(_op, _ring, getattr(Channel, _name)))


class OperationTest(IpcTestCase):
    def test_operation_reported_with_thread_and_object(self):
        channel = Channel()
        self.assertEqual(channel.put("a"), "queued")
        self.tid = 4
        self.assertEqual(channel.get(), "a")
        self.assertEqual(self.worker.ops, [("put", 1, 7), ("get", 4, 7)])
        self.assertEqual(Channel.put.__name__, "put")

    def test_operation_names_the_programs_line_that_made_it(self):
        channel = Channel()
        line = sys._getframe().f_lineno + 1
        channel.put_all("a", "b")
        self.assertEqual(self.worker.sites, [f"test_ipcnames.py:{line}"])

    def test_an_operation_the_event_loop_made_has_no_line(self):
        channel = Channel()

        # The library's loop (a file name in waitsite.LIBRARY), as asyncio names its turn.
        loop = {}
        exec(compile("def _run_once(callback):\n    callback()\n", "<loop>", "exec"), loop)
        loop["_run_once"](functools.partial(channel.put, "a"))
        self.assertEqual(self.worker.sites, [None])

    def test_failed_operation_is_not_reported(self):
        channel = Channel()
        with self.assertRaises(queue.Empty):
            channel.get()
        channel.put("a")  # and the next one is reported again
        self.assertEqual(self.worker.ops, [("put", 1, 7)])

    def test_operations_inside_an_operation_are_not_reported(self):
        channel = Channel()
        channel.put_all("a", "b", "c")
        channel.get()
        self.assertEqual(self.worker.ops, [("put", 1, 7), ("get", 1, 7)])

    def test_acquire_reported_only_when_it_succeeded(self):
        channel = Channel()
        self.assertFalse(channel.acquire(False))  # a failed non-blocking acquire
        channel.items.append("x")
        self.assertTrue(channel.acquire(timeout=1))  # keyword arguments pass through
        self.assertEqual(self.worker.ops, [("acquire", 1, 7)])

    def test_object_without_kernel_object_is_not_reported(self):
        Channel(ring=None).put("a")
        self.assertEqual(self.worker.ops, [])

    def test_unbound_worker_reports_nothing(self):
        bridge.sync = None
        self.assertEqual(Channel().put("a"), "queued")
        bridge.sync = self.worker
        self.assertEqual(self.worker.ops, [])

    def test_internal_machinery_is_not_reported(self):
        channel = Channel()

        @ipcnames._internal
        def feeder(items):
            """multiprocessing's own work."""
            channel.put_all(*items)
            channel.get()
            return len(items)

        self.assertEqual(feeder("ab"), 2)
        self.assertEqual(feeder.__doc__, "multiprocessing's own work.")
        channel.get()  # the user's own, after it
        self.assertEqual(self.worker.ops, [("get", 1, 7)])

    def test_failing_internal_machinery_ends_cleanly(self):
        channel = Channel()
        failing = ipcnames._internal(channel.get)
        with self.assertRaises(queue.Empty):
            failing()
        channel.put("a")
        self.assertEqual(self.worker.ops, [("put", 1, 7)])

    def test_each_thread_has_its_own_depth(self):
        channel = Channel()

        @ipcnames._internal
        def machinery():
            channel.put("mine")  # thread 1's machinery: not reported
            self.tid = 2  # a switch: the user's thread 2 runs meanwhile
            channel.put("theirs")
            self.tid = 1
            channel.put("mine again")

        machinery()
        self.assertEqual(self.worker.ops, [("put", 2, 7)])

    def test_real_threads_have_their_own_depth(self):
        channel = Channel()
        inside, done = threading.Event(), threading.Event()

        @ipcnames._internal
        def feeder():
            inside.set()
            self.assertTrue(done.wait(5))
            channel.put("fed")

        with mock.patch.object(green, "native_id", threading.get_native_id):
            thread = threading.Thread(target=feeder)
            thread.start()
            self.assertTrue(inside.wait(5))
            channel.put("user")
            done.set()
            thread.join(5)
        self.assertEqual(self.worker.ops, [("put", threading.get_native_id(), 7)])


class TracedLockMethodsTest(IpcTestCase):
    """multiprocessing binds ``lock.acquire``/``release`` per object, in ``_make_methods``."""

    class SemLock:
        def __init__(self, handle, value):
            self._semlock = mock.NonCallableMock(handle=handle)
            self.value = value
            self._make_methods()

        def _make_methods(self):
            self.acquire = self._acquire
            self.release = self._release

        def _acquire(self, block=True, timeout=None):
            if self.value:
                self.value -= 1
                return True
            return False

        def _release(self):
            self.value += 1

    SemLock._make_methods = ipcnames._traced_lock_methods(SemLock._make_methods)

    def test_bound_methods_are_reported(self):
        lock = self.SemLock(handle=33, value=1)
        self.assertTrue(lock.acquire())
        self.assertFalse(lock.acquire(False))  # failed: not reported
        self.assertFalse(lock.acquire(timeout=0.5))
        lock.release()
        self.assertEqual(self.worker.ops, [("acquire", 1, 33), ("release", 1, 33)])
        self.assertEqual(self.SemLock._make_methods.__name__, "_make_methods")

    def test_lock_operations_inside_machinery_are_not_reported(self):
        lock = self.SemLock(handle=33, value=1)
        ipcnames._internal(lambda: (lock.acquire(), lock.release()))()
        self.assertEqual(self.worker.ops, [])


class RingOfTest(IpcTestCase):
    def test_ring_of_a_descriptor(self):
        self.worker.rings[5] = 9001
        conn = mock.NonCallableMock(fileno=lambda: 5)
        self.assertEqual(ipcnames._ring_of(conn), 9001)

    def test_closed_connection_has_no_ring(self):
        for error in (OSError("handle is closed"), ValueError("I/O operation on closed file")):
            with self.subTest(error=error):
                conn = mock.NonCallableMock(fileno=mock.Mock(side_effect=error))
                self.assertIsNone(ipcnames._ring_of(conn))


# --- install(), on native CPython's multiprocessing ------------------------------------------

_PATCHED_CLASSES = (
    synchronize.SemLock, synchronize.Lock, synchronize.RLock, synchronize.Semaphore,
    synchronize.BoundedSemaphore, synchronize.Condition, synchronize.Event, synchronize.Barrier,
    queues.Queue, queues.SimpleQueue, queues.JoinableQueue, pool.Pool, connection.Connection,
)
_PATCHED_FUNCTIONS = ((connection, "Pipe"), (pool, "worker"))


@contextlib.contextmanager
def _stdlib_restored():
    """Puts back every class attribute and module function ``install()`` replaces."""
    classes = {cls: dict(vars(cls)) for cls in _PATCHED_CLASSES}
    functions = {(module, name): getattr(module, name) for module, name in _PATCHED_FUNCTIONS}
    try:
        yield
    finally:
        for cls, saved in classes.items():
            for name in set(vars(cls)) - set(saved):
                delattr(cls, name)
            for name, value in saved.items():
                if vars(cls).get(name) is not value:
                    setattr(cls, name, value)
            assert dict(vars(cls)) == saved, cls
        for (module, name), value in functions.items():
            setattr(module, name, value)


class InstallTest(IpcTestCase):
    """``install()`` on native CPython's multiprocessing ('fork' context: no resource tracker)."""

    def setUp(self):
        super().setUp()
        stack = contextlib.ExitStack()
        self.addCleanup(stack.close)
        stack.enter_context(_stdlib_restored())
        layer_module = layer_multiprocessing()
        stack.enter_context(mock.patch.object(synchronize, "_multiprocessing", layer_module))
        stack.enter_context(mock.patch.object(bridge, "call", self.worker.call))
        stack.enter_context(mock.patch.object(green, "native_id", threading.get_native_id))
        stack.enter_context(mock.patch.object(os, "pipe", self.kernel_pipe))
        stack.enter_context(mock.patch.object(socket, "socketpair", self.kernel_socketpair))
        self.tid = threading.get_native_id()
        ipcnames.install()
        self.ctx = multiprocessing.get_context("fork")

    def kernel_pipe(self, _pipe=os.pipe):
        """os.pipe() as procbox.fds makes it: one ring, reported to the constructor."""
        rfd, wfd = _pipe()
        ring = self.worker.new_ring()
        self.worker.rings[rfd] = self.worker.rings[wfd] = ring
        ipcnames.created(ring)
        return rfd, wfd

    def kernel_socketpair(self, *args, _socketpair=socket.socketpair):
        """socket.socketpair() as procbox.fds makes it: a ring each way."""
        first, second = _socketpair(*args)
        there, back = self.worker.new_ring(), self.worker.new_ring()
        self.worker.rings[first.fileno()] = back
        self.worker.rings[second.fileno()] = there
        ipcnames.created(there, back)
        return first, second

    def queue(self, kind):
        q = getattr(self.ctx, kind)()
        if kind != "SimpleQueue":
            self.addCleanup(q.join_thread)
            self.addCleanup(q.close)
        return q

    def test_each_object_is_named_once_by_its_outermost_constructor(self):
        lock = self.ctx.Lock()
        q = self.queue("Queue")
        jq = self.queue("JoinableQueue")
        a, b = self.ctx.Pipe()
        event = self.ctx.Event()
        kinds = [kind for kind, _ in self.worker.labels]
        self.assertEqual(kinds, ["Lock", "Queue", "JoinableQueue", "Pipe", "Event"])
        labels = dict(self.worker.labels)
        self.assertEqual(labels["Lock"], [lock._semlock.handle])
        ring = self.worker.fdRing(q._reader.fileno())
        self.assertEqual(
            labels["Queue"],
            [ring, q._rlock._semlock.handle, q._wlock._semlock.handle, q._sem._semlock.handle],
        )
        # A JoinableQueue: its Queue's, and its own semaphore and condition's, all as one.
        self.assertEqual(len(labels["JoinableQueue"]), 4 + 1 + 4)
        self.assertIn(jq._unfinished_tasks._semlock.handle, labels["JoinableQueue"])
        rings = [self.worker.fdRing(a.fileno()), self.worker.fdRing(b.fileno())]
        self.assertEqual(sorted(labels["Pipe"]), sorted(rings))
        self.assertIn(event._flag._semlock.handle, labels["Event"])
        self.assertEqual(len(set(sum(labels.values(), []))), 1 + 4 + 9 + 2 + 5)

    def test_lock_acquire_and_release(self):
        lock = self.ctx.Lock()
        handle = lock._semlock.handle
        with lock:
            self.assertFalse(lock.acquire(False))  # held: a failed acquire is no operation
        self.assertTrue(lock.acquire(timeout=1))
        lock.release()
        self.assertEqual(
            self.worker.ops,
            [("acquire", self.tid, handle), ("release", self.tid, handle),
             ("acquire", self.tid, handle), ("release", self.tid, handle)],
        )

    def test_queue_put_and_get_only(self):
        for kind in ("Queue", "SimpleQueue", "JoinableQueue"):
            with self.subTest(kind=kind):
                del self.worker.ops[:]
                q = self.queue(kind)
                ring = self.worker.fdRing(q._reader.fileno())
                q.put("job")  # Queue: the feeder thread writes it, inside machinery
                self.assertEqual(q.get(), "job")
                if kind == "JoinableQueue":
                    q.task_done()
                    q.join()
                # Not their locks and semaphores, nor the feeder thread's writes.
                self.assertEqual(
                    self.worker.ops, [("put", self.tid, ring), ("get", self.tid, ring)]
                )

    def test_failed_get_is_not_reported(self):
        q = self.queue("Queue")
        with self.assertRaises(queue.Empty):
            q.get(False)
        self.assertEqual(self.worker.ops, [])

    def test_pipe_send_and_recv(self):
        a, b = self.ctx.Pipe()
        a.send({"n": 1})
        self.assertEqual(b.recv(), {"n": 1})
        b.send_bytes(b"raw")
        self.assertEqual(a.recv_bytes(), b"raw")
        ring_a, ring_b = self.worker.fdRing(a.fileno()), self.worker.fdRing(b.fileno())
        self.assertEqual(
            self.worker.ops,
            [("send", self.tid, ring_a), ("recv", self.tid, ring_b),
             ("send", self.tid, ring_b), ("recv", self.tid, ring_a)],
        )

    def test_an_events_set_and_a_conditions_notify_and_the_waits_they_end_are_operations(self):
        event = self.ctx.Event()
        event.set()
        self.assertTrue(event.is_set())
        self.assertTrue(event.wait(0))  # ended by the set: woken
        event.clear()
        self.assertFalse(event.wait(0))  # timed out: no operation
        condition = self.ctx.Condition()
        with condition:
            condition.notify_all()
            self.assertFalse(condition.wait(0))
        flag = event._flag._semlock.handle
        lock = condition._lock._semlock.handle
        # Nothing of what they do inside (the lock and semaphore calls) is the user's.
        self.assertEqual(
            self.worker.ops,
            [
                ("set", self.tid, flag),
                ("woken", self.tid, flag),
                ("acquire", self.tid, lock),
                ("notify", self.tid, lock),
                ("release", self.tid, lock),
            ],
        )


class ThreadingEventsTest(IpcTestCase):
    """procbox/threadtrace.py: the program's own threading.Event and Condition."""

    def setUp(self):
        super().setUp()
        # Subclasses take the wrappers, so the real threading module stays as it is.
        self.threading = types.SimpleNamespace(
            Event=type("Event", (threading.Event,), {}),
            Condition=type("Condition", (threading.Condition,), {}),
        )
        threadtrace.install(self.threading)

    def test_the_programs_event_and_condition_are_named_and_their_hand_overs_reported(self):
        event = self.threading.Event()  # made here: the program's
        condition = self.threading.Condition()
        self.assertRegex(event._procbox_name, r"^threading\.Event#\d+$")
        event.set()
        self.assertTrue(event.wait(0))
        event.clear()
        self.assertFalse(event.wait(0))  # timed out: not woken
        with condition:
            condition.notify()
            self.assertFalse(condition.wait(0))
        name, cond = event._procbox_name, condition._procbox_name
        self.assertEqual(
            self.worker.ops,
            [("set", 1, name), ("woken", 1, name), ("notify", 1, cond)],
        )


if __name__ == "__main__":
    unittest.main()
