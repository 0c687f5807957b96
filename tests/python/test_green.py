"""procbox/green.py: the green-thread scheduler's logic, under native CPython.

Each test runs a ``Scheduler`` bound to a fake worker (fake_worker.py): every green thread is an
OS thread, exactly one runs at a time, and parking, kernel replies, timers and event-loop turns
behave as workers/runtime/green-threads.ts makes them behave in the browser, on a fake clock. A
test's body runs as the process's main thread (``self.run``).
"""

import contextlib
import io
import signal
import unittest
from collections import deque

from fake_worker import HOLD, FakeHandle, FakeWorker, Later

from procbox import green, locks, threads
from procbox.constants import SLOT_BITS

INTERVAL = 0.005  # the default switch interval


class GreenTest(unittest.TestCase):
    def setUp(self):
        self.w = FakeWorker()
        self.s = self.w.scheduler
        self.log = []

    def run_main(self, function, **options):
        self.w.run(function, **options)

    # helpers, called in the main thread

    def waiter(self, waitlist, name, deadline=None):
        """Starts a thread that waits in ``waitlist`` once, then logs ``name`` and what wait
        returned; returns (handle, its GreenThread) once it waits."""

        def body():
            woke = self.s.wait(waitlist, deadline)
            self.log.append((name, woke))

        handle = self.w.spawn(body)
        thread = handle.thread
        self.w.until(lambda: thread in waitlist)
        return handle, thread

    def ready_for_an_interval(self, name="A"):
        """A thread in the ready queue that has waited a whole switch interval there."""
        waitlist = deque()
        handle, thread = self.waiter(waitlist, name)
        self.s.wake_one(waitlist)
        self.w.clock.advance(INTERVAL * 1.2)
        self.assertEqual(list(self.s.ready), [thread])
        return handle, thread


class ReadyQueueTest(GreenTest):
    def test_yield_now_runs_the_longest_waiting_ready_thread_first(self):
        def main():
            lists = {name: deque() for name in "ABC"}
            handles = {name: self.waiter(lists[name], name)[0] for name in "ABC"}
            for name in "BCA":  # ready in that order
                self.assertTrue(self.s.wake_one(lists[name]))
            self.assertEqual(list(self.s.ready), [handles[name].thread for name in "BCA"])
            self.s.yield_now()
            self.log.append("main")
            for handle in handles.values():
                handle.join()

        self.run_main(main)
        self.assertEqual(self.log, [("B", True), ("C", True), ("A", True), "main"])

    def test_the_worker_learns_which_thread_each_slot_is(self):
        # The Timeline's running and ready: the worker sees switches by slot, the trace by tid.
        def main():
            handle, thread = self.waiter(deque(), "A")
            self.assertEqual(self.w.tids, {green.MAIN_SLOT: 100, thread.slot: thread.tid})
            self.assertEqual(thread.tid, 1001)
            self.s.wake_one(thread.waitlist)
            handle.join()
            # An ended thread's slot names no thread (a later one may take it).
            self.assertEqual(self.w.tids, {green.MAIN_SLOT: 100})

        self.run_main(main)

    def test_a_thread_that_yields_parks_ready_and_one_that_waits_does_not(self):
        # The worker's trace shows the first ready for its turn, the second waiting.
        def main():
            waitlist = deque()
            handle, thread = self.waiter(waitlist, "A")  # A parks in wait(): not ready
            self.assertEqual(self.w.parked_ready[-1], False)
            self.s.wake_one(waitlist)
            self.w.parked_ready.clear()
            self.s.yield_now()  # main hands the CPU to A and stays ready
            self.assertIn(True, self.w.parked_ready)
            handle.join()

        self.run_main(main)

    def test_yield_now_alone_returns_at_once(self):
        def main():
            self.s.yield_now()
            self.assertFalse(self.w.parks)
            self.assertTrue(self.s.alone())

        self.run_main(main)

    def test_yield_now_turns_the_event_loop_for_a_thread_that_waits_on_it(self):
        def main():
            waitlist = deque()
            self.waiter(waitlist, "A", deadline=self.w.clock() + 0.001)
            self.w.clock.advance(0.002)  # its timer is due, but the event loop has not run
            self.s.yield_now()
            self.assertEqual(self.log, [("A", False)])
            self.assertEqual(self.w.wake_soons[-1], green.MAIN_SLOT)

        self.run_main(main)

    def test_yield_now_hands_the_cpu_to_a_thread_waiting_for_an_event_loop_turn(self):
        def main():
            go = deque()

            def spinner():
                self.s.wait(go)
                self.w.clock.advance(0.002)  # main's timer is due before A's turn comes
                self.s.yield_now()  # only main waits, on a JS event: A waits for a turn
                self.log.append("A after its turn")

            handle = self.w.spawn(spinner)
            self.w.until(lambda: handle.thread in go)
            self.s.wake_one(go)
            self.assertFalse(self.s.wait(deque(), self.w.clock() + 0.001))  # A runs meanwhile
            # A waits for its wakeSoon; main runs first, as its timer was due earlier.
            self.assertEqual(list(self.s.turn_waiters), [handle.thread])
            soons = len(self.w.wake_soons)
            self.s.yield_now()  # A gets the CPU now, without an event-loop turn
            self.assertEqual(self.log, ["A after its turn"])
            self.assertEqual(len(self.w.wake_soons), soons)
            self.assertEqual(self.w.soon, [])
            handle.join()

        self.run_main(main)


class WaitTest(GreenTest):
    def test_wake_one_and_wake_all_wake_in_arrival_order(self):
        def main():
            waitlist = deque()
            handles = [self.waiter(waitlist, name)[0] for name in "ABC"]
            self.assertEqual(list(waitlist), [h.thread for h in handles])
            self.assertTrue(self.s.wake_one(waitlist))
            self.s.yield_now()
            self.assertEqual(self.log, [("A", True)])
            self.s.wake_all(waitlist)
            self.assertEqual(list(waitlist), [])
            self.assertFalse(self.s.wake_one(waitlist))
            for handle in handles:
                handle.join()

        self.run_main(main)
        self.assertEqual(self.log, [("A", True), ("B", True), ("C", True)])

    def test_a_wait_parks_only_until_its_deadline_and_leaves_the_waitlist(self):
        def main():
            waitlist = deque()
            start = self.w.clock()
            self.assertFalse(self.s.wait(waitlist, start + 0.5))
            self.assertEqual(self.w.clock(), start + 0.5)  # it woke on its timer
            self.assertEqual(self.w.timers, [(1, green.MAIN_SLOT, 500.0)])
            self.assertEqual(list(waitlist), [])
            self.assertIsNone(self.s.main.waitlist)
            self.assertIsNone(self.s.main.timer)
            self.assertEqual(self.s.js_waits, 0)

        self.run_main(main)

    def test_a_deadline_already_past_returns_false_without_parking(self):
        def main():
            waitlist = deque()
            self.assertFalse(self.s.wait(waitlist, self.w.clock()))
            self.assertEqual((self.w.parks, self.w.timers, list(waitlist)), ({}, [], []))

        self.run_main(main)

    def test_a_waiter_woken_before_its_deadline_returns_true(self):
        def main():
            waitlist = deque()
            handle, _ = self.waiter(waitlist, "A", deadline=self.w.clock() + 10)
            self.s.wake_one(waitlist)
            handle.join()

        self.run_main(main)
        self.assertEqual(self.log, [("A", True)])

    def test_a_woken_waiter_is_not_woken_again_by_its_timer(self):
        def main():
            first, second = deque(), deque()

            def body():
                self.log.append(("first", self.s.wait(first, self.w.clock() + 1.0)))
                self.log.append(("second", self.s.wait(second)))

            handle = self.w.spawn(body)
            thread = handle.thread
            self.w.until(lambda: thread in first)
            [(timer, _, _)] = self.w.timers
            self.s.wake_one(first)
            self.assertEqual(self.w.cancelled_wakes, [timer])
            # It is a ready thread now, no longer one waiting for a JS event.
            self.assertEqual(
                (thread.js_wait, self.s.js_waits, list(self.s.ready)), (False, 0, [thread])
            )
            self.w.until(lambda: thread in second)
            # Past the first wait's deadline: a timer left running would wake it from `second`.
            self.assertFalse(self.s.wait(deque(), self.w.clock() + 2.0))
            self.assertEqual(self.log, [("first", True)])
            self.assertIs(thread.waitlist, second)
            self.assertEqual(self.s.js_waits, 0)
            self.s.wake_one(second)
            handle.join()

        self.run_main(main)
        self.assertEqual(self.log, [("first", True), ("second", True)])

    def test_blocking_outside_any_thread_is_an_error(self):
        def main():
            handle, thread = self.ready_for_an_interval()
            self.w.sync_allowed = False  # a JS frame where no stack can switch
            self.assertFalse(self.s.can_block())
            with self.assertRaisesRegex(RuntimeError, "cannot block here"):
                self.s.wait(deque())
            with self.assertRaisesRegex(RuntimeError, "cannot block here"):
                self.s.wait_call("threadStart")
            self.s.yield_now()  # no yield there, and no error either
            self.assertEqual(list(self.s.ready), [thread])
            self.w.sync_allowed = True
            self.assertTrue(self.s.can_block())
            handle.join()

        self.run_main(main)


class WaitCallTest(GreenTest):
    def test_wait_call_returns_the_reply(self):
        self.w.kernel["sleep"] = lambda ms: Later(ms / 1000.0, 0)
        self.w.kernel["read"] = lambda fd, size: b"x" * size

        def main():
            start = self.w.clock()
            self.assertEqual(self.s.wait_call("sleep", 250.0), 0)
            self.assertEqual(self.w.clock(), start + 0.25)
            self.assertEqual(self.s.wait_call("read", 0, 3), b"xxx")
            self.assertEqual(self.w.results, {})
            self.assertFalse(self.s.main.in_call)

        self.run_main(main)
        self.assertEqual(
            [call[1:] for call in self.w.calls], [(1, "sleep", (250.0,)), (1, "read", (0, 3))]
        )

    def test_a_stale_resume_does_not_end_a_call(self):
        self.w.kernel["sleep"] = lambda ms: HOLD

        def main():
            def body():
                self.log.append(self.s.wait_call("sleep", 100.0))

            handle = self.w.spawn(body)
            thread = handle.thread
            self.w.until(lambda: any(name == "sleep" for _, _, name, _ in self.w.calls))
            parks = self.w.parks[thread.slot]
            self.w.resume(thread.slot)  # a wake-up meant for an earlier wait
            self.w.until(lambda: self.w.parks[thread.slot] == parks + 1)
            self.assertTrue(thread.in_call)
            self.assertEqual(self.log, [])
            self.w.answer(self.w.calls[-1][0], 42)
            handle.join()
            self.assertFalse(thread.in_call)

        self.run_main(main)
        self.assertEqual(self.log, [42])

    def test_an_unknown_call_fails_in_the_caller(self):
        def main():
            with self.assertRaises(KeyError):
                self.s.wait_call("noSuchCall")
            self.assertFalse(self.s.main.in_call)

        self.run_main(main)


class SwitchRuleTest(GreenTest):
    def test_a_ready_thread_gets_the_cpu_once_it_has_waited_an_interval(self):
        def main():
            waitlist = deque()
            handle, thread = self.waiter(waitlist, "A")
            self.s.wake_one(waitlist)
            self.w.clock.advance(INTERVAL * 0.8)
            self.w.tick()
            self.assertEqual(self.log, [])  # not yet: it has waited less than an interval
            self.w.clock.advance(INTERVAL * 0.4)
            self.w.tick()
            self.assertEqual(self.log, [("A", True)])
            handle.join()

        self.run_main(main)

    def test_the_event_loop_turns_once_a_js_wait_has_lasted_half_an_interval(self):
        def main():
            handle, thread = self.waiter(deque(), "A", deadline=self.w.clock() + 0.011)
            self.assertFalse(self.s.wait(deque(), self.w.clock() + 0.01))  # a turn, at +10 ms
            soons = len(self.w.wake_soons)
            self.w.clock.advance(INTERVAL * 0.4)  # A's timer is due while main spins
            self.w.tick()
            # Not yet: the last turn (main's own wake-up) was less than half an interval ago.
            self.assertEqual((self.log, len(self.w.wake_soons)), ([], soons))
            self.w.clock.advance(INTERVAL * 0.2)
            self.w.js_frame_inside = True  # a JS frame inside main's stack: no park there
            self.w.tick()
            self.assertEqual(self.log, [])
            self.w.js_frame_inside = False
            self.w.tick()
            self.assertEqual(self.log, [("A", False)])
            self.assertEqual(self.w.wake_soons[-1], green.MAIN_SLOT)
            handle.join()

        self.run_main(main)

    def test_the_event_loop_turns_before_a_ready_thread_runs(self):
        def main():
            later = deque()

            def body():
                self.log.append(("B", self.s.wait(deque(), self.w.clock() + 0.001)))
                self.s.wait(later)  # hands the CPU to the ready thread

            b = self.w.spawn(body)
            self.w.until(lambda: b.thread.timer is not None)
            self.ready_for_an_interval("A")  # B's timer is due meanwhile
            self.w.tick()  # the turn: B's timer fires first, then A gets the CPU from B
            self.assertEqual(self.log, [("B", False), ("A", True)])
            self.s.wake_one(later)
            b.join()

        self.run_main(main)

    def test_a_tick_with_one_thread_does_nothing(self):
        def main():
            self.w.clock.advance(1.0)
            self.w.tick()
            self.assertEqual(self.w.parks, {})
            self.assertEqual(self.w.gc.log, [])

        self.run_main(main)

    def test_the_tick_collects_garbage_while_threads_run(self):
        def main():
            handle, _ = self.ready_for_an_interval()
            self.w.tick()  # a step, then a switch to A, which ends: one thread is left
            self.assertEqual(self.w.gc.log, ["pause", "step", "resume"])
            handle.join()

        self.run_main(main)


@green.unpreemptible
def _tick_inside(worker):
    _tick_nested(worker)


def _tick_nested(worker):
    worker.tick()  # the frame of _tick_inside is further down the stack


class _Primitive:
    @green.unpreemptible
    def method(self, worker):
        worker.tick()


class UnpreemptibleTest(GreenTest):
    def test_no_switch_inside_an_unpreemptible_function_or_method(self):
        def main():
            handle, thread = self.ready_for_an_interval()
            _tick_inside(self.w)
            _Primitive().method(self.w)
            self.assertEqual(list(self.s.ready), [thread])
            self.assertEqual(self.log, [])
            self.w.tick()  # the same tick outside them switches
            self.assertEqual(self.log, [("A", True)])
            handle.join()

        self.run_main(main)

    def test_no_switch_inside_the_schedulers_own_wait(self):
        """A signal handler runs inside wait(): a tick there must not switch."""

        def main():
            handle, thread = self.ready_for_an_interval()
            self.w.on_dispatch = lambda mask: self.w.tick()
            self.s.interrupt_main(signal.SIGUSR1)
            parks = self.w.parks[green.MAIN_SLOT]
            self.assertFalse(self.s.wait(deque(), self.w.clock() + 1))  # dispatch, tick, wait
            self.assertEqual(self.w.dispatched[0], (1 << signal.SIGUSR1, True))
            self.assertEqual(self.w.parks[green.MAIN_SLOT], parks + 1)  # its wait's park only
            handle.join()

        self.run_main(main)
        self.assertEqual(self.log, [("A", True)])

    def test_no_switch_while_the_thread_is_on_its_way_to_park(self):
        def main():
            handle, thread = self.ready_for_an_interval()
            me = self.s.main
            states = {
                "in_call": lambda on: setattr(me, "in_call", on),
                "js_wait": lambda on: setattr(me, "js_wait", on),
                "waitlist": lambda on: setattr(me, "waitlist", deque() if on else None),
                "ready": lambda on: self.s.ready.append(me) if on else self.s.ready.remove(me),
                "turn_waiters": lambda on: (
                    self.s.turn_waiters.append(me) if on else self.s.turn_waiters.remove(me)
                ),
            }
            for name, state in states.items():
                state(True)
                self.w.tick()
                state(False)
                self.assertEqual(self.log, [], name)
            self.w.tick()
            self.assertEqual(self.log, [("A", True)])
            handle.join()

        self.run_main(main)

    def test_no_switch_while_python_runs_outside_any_thread(self):
        def main():
            handle, thread = self.ready_for_an_interval()
            self.w.sync_allowed = False
            self.w.tick()
            self.w.sync_allowed = True
            self.assertEqual(self.log, [])
            self.w.tick()
            self.assertEqual(self.log, [("A", True)])
            handle.join()
            # Nor a turn of the event loop, nor signal handlers.
            self.waiter(deque(), "B", deadline=self.w.clock() + 0.001)
            self.w.clock.advance(INTERVAL * 2)
            self.w.signals = 1 << signal.SIGINT
            self.w.sync_allowed = False
            self.w.tick()
            self.w.sync_allowed = True
            self.assertEqual((self.log, self.w.dispatched), ([("A", True)], []))
            self.w.tick()
            self.assertEqual(self.log, [("A", True), ("B", False)])
            self.assertEqual(self.w.dispatched, [(1 << signal.SIGINT, True)])
            self.w.until(lambda: self.s.count() == 0)

        self.run_main(main)

    def test_the_layers_primitives_are_unpreemptible(self):
        code = green._unpreemptible_code
        for function in (
            green.Scheduler.wait, green.Scheduler.wait_call, green.Scheduler.wake_one,
            green.Scheduler.yield_now, green.Scheduler.spawn, locks.LockType.acquire,
            locks.RLock.acquire, threads._ThreadHandle.join,
        ):
            self.assertIn(function.__code__, code, function.__qualname__)


class SignalTest(GreenTest):
    def test_take_signals_merges_the_kernel_mask_and_interrupt_main(self):
        def main():
            self.w.signals = 1 << signal.SIGTERM
            self.s.interrupt_main(signal.SIGINT)
            self.assertTrue(self.s.signal_hint)
            self.assertEqual(self.s.take_signals(), 1 << signal.SIGTERM | 1 << signal.SIGINT)
            self.assertFalse(self.s.signal_hint)
            self.assertEqual(self.s.take_signals(), 0)

        self.run_main(main)

    def test_the_doorbell_runs_handlers_in_the_main_thread(self):
        def main():
            self.w.signals = 1 << signal.SIGINT
            self.w.tick()
            self.assertEqual(self.w.dispatched, [(1 << signal.SIGINT, True)])

        self.run_main(main)

    def test_the_handlers_run_before_the_tick_switches(self):
        def main():
            handle, _ = self.ready_for_an_interval()
            self.w.on_dispatch = lambda mask: self.log.append(("handler", mask))
            self.w.signals = 1 << signal.SIGINT
            self.w.tick()
            handle.join()

        self.run_main(main)
        self.assertEqual(self.log, [("handler", 1 << signal.SIGINT), ("A", True)])

    def test_a_wait_in_the_main_thread_runs_pending_handlers_before_it_parks(self):
        def main():
            def handler(mask):
                raise KeyboardInterrupt

            self.w.on_dispatch = handler
            self.s.interrupt_main(signal.SIGINT)
            waitlist = deque()
            start = self.w.clock()
            with self.assertRaises(KeyboardInterrupt):
                self.s.wait(waitlist, start + 1.0)
            self.assertEqual((self.w.parks, self.w.clock(), list(waitlist)), ({}, start, []))

        self.run_main(main)

    def test_a_doorbell_in_another_thread_prompts_the_main_thread_out_of_its_wait(self):
        def main():
            waitlist = deque()

            def body():
                self.w.signals = 1 << signal.SIGINT  # the kernel sets the bit and rings
                self.w.tick()
                self.log.append("A after the tick")

            handle = self.w.spawn(body)
            self.log.append(("main woke", self.s.wait(waitlist)))
            self.assertEqual(list(waitlist), [])
            handle.join()

        self.run_main(main)
        self.assertEqual(self.log, [("main woke", True), "A after the tick"])
        self.assertEqual(self.w.dispatched, [(1 << signal.SIGINT, True)])

    def test_a_doorbell_in_another_thread_hands_the_cpu_to_a_ready_main_thread(self):
        def main():
            go = deque()

            def body():
                self.s.wait(go)
                self.w.signals = 1 << signal.SIGINT
                self.w.tick()
                self.log.append("A after the tick")

            handle = self.w.spawn(body)
            self.w.until(lambda: handle.thread in go)
            self.s.wake_one(go)
            self.s.yield_now()  # A runs, main is ready: A's tick hands the CPU back at once
            self.assertEqual(self.log, [])
            self.assertEqual(list(self.s.ready), [handle.thread])
            handle.join()

        self.run_main(main)
        self.assertEqual(self.log, ["A after the tick"])

    def test_a_prompt_waits_when_a_js_frame_is_inside(self):
        def main():
            waitlist = deque()

            def body():
                self.w.signals = 1 << signal.SIGINT
                self.w.js_frame_inside = True
                self.w.tick()
                self.log.append("A kept the CPU")
                self.w.js_frame_inside = False
                self.w.tick()  # the hint stayed set: this tick prompts main
                self.log.append("A after the tick")

            handle = self.w.spawn(body)
            self.s.wait(waitlist)
            self.log.append("main woke")
            handle.join()

        self.run_main(main)
        self.assertEqual(self.log, ["A kept the CPU", "main woke", "A after the tick"])

    def test_a_signal_while_every_thread_is_parked_wakes_the_main_thread(self):
        def main():
            waitlist = deque()
            self.w.raise_signal(signal.SIGTERM, after=0.1)
            self.assertTrue(self.s.wait(waitlist))
            self.assertEqual(self.w.dispatched, [(1 << signal.SIGTERM, True)])
            self.assertEqual(list(waitlist), [])
            self.assertEqual(self.s.js_waits, 0)

        self.run_main(main)

    def test_a_signal_during_a_kernel_call_is_left_to_the_kernel(self):
        self.w.kernel["sleep"] = lambda ms: HOLD

        def main():
            def body():
                self.w.until(lambda: self.s.signal_hint)
                sleep = next(call for call, _, name, _ in self.w.calls if name == "sleep")
                self.w.answer(sleep, "slept")

            handle = self.w.spawn(body)
            self.w.raise_signal(signal.SIGTERM)
            self.assertEqual(self.s.wait_call("sleep", 1000.0), "slept")
            self.assertTrue(self.s.signal_hint)  # the handlers run after the call (bridge.call)
            self.assertEqual(self.w.dispatched, [])
            handle.join()

        self.run_main(main)

    def test_a_signal_handler_that_raises_ends_the_wait(self):
        def main():
            def handler(mask):
                raise KeyboardInterrupt

            self.w.on_dispatch = handler
            waitlist = deque()
            self.w.raise_signal(signal.SIGINT)
            with self.assertRaises(KeyboardInterrupt):
                self.s.wait(waitlist)
            self.assertEqual(list(waitlist), [])
            self.assertIsNone(self.s.main.waitlist)

        self.run_main(main)


class ThreadTest(GreenTest):
    def test_a_thread_runs_with_its_own_identity(self):
        def main():
            seen = {}

            def body():
                seen.update(
                    ident=self.s.get_ident(), tid=self.s.native_id(), main=self.s.in_main(),
                    current=self.s.current_thread(),
                )
                self.s.set_name("worker")

            self.assertEqual((self.s.native_id(), self.s.count()), (self.w.pid, 0))
            handle = self.w.spawn(body)
            self.assertEqual(self.s.count(), 1)
            handle.join()
            self.assertEqual(self.s.count(), 0)
            self.assertEqual(seen["tid"], 1001)
            self.assertFalse(seen["main"])
            self.assertIs(seen["current"], handle.thread)
            self.assertNotEqual(seen["ident"], self.s.get_ident())
            self.assertEqual(self.w.thread_names, [(1001, "worker")])
            self.assertEqual(self.w.thread_exits, [1001])
            self.assertIs(self.s.current_thread(), self.s.main_thread())

        self.run_main(main)
        self.assertEqual(self.w.proxied, [self.s._thread_main, self.s._on_signal_notice])

    def test_slots_are_reused(self):
        def main():
            first = self.w.spawn(lambda: None)
            first.join()
            second = self.w.spawn(lambda: None)
            third = self.w.spawn(lambda: None)
            self.assertEqual(first.thread.slot, 2)
            self.assertEqual((second.thread.slot, second.thread.ident), (2, first.thread.ident))
            self.assertEqual(third.thread.slot, 3)
            second.join()
            third.join()
            self.assertEqual(self.w.spawn(lambda: None).thread.slot, 3)  # the last one freed
            self.w.until(lambda: self.s.count() == 0)

        self.run_main(main)

    def test_no_thread_beyond_the_last_slot(self):
        def main():
            for _ in range(green.MAX_SLOTS - 1):  # slot 1 is the main thread's
                self.s.spawn(lambda: None, _NullHandle(), True)
            self.assertEqual(self.s.count(), (1 << SLOT_BITS) - 2)
            js_waits = self.s.js_waits
            with self.assertRaisesRegex(RuntimeError, "can't start new thread"):
                self.s.spawn(lambda: None, _NullHandle(), True)
            self.assertEqual((self.s.count(), self.s.js_waits), (green.MAX_SLOTS - 1, js_waits))
            self.assertEqual(max(self.s.threads), green.MAX_SLOTS)

        self.run_main(main, leave_threads=True)

    def test_the_switch_interval_ticks_only_while_threads_run(self):
        def main():
            a = self.w.spawn(lambda: None)
            self.assertEqual(self.w.switch_intervals, [INTERVAL * 1000])
            b = self.w.spawn(lambda: None)
            self.assertEqual(self.w.switch_intervals, [INTERVAL * 1000])
            self.s.set_switch_interval(0.02)
            self.assertEqual(self.w.switch_intervals, [INTERVAL * 1000, 20.0])
            a.join()
            b.join()
            self.assertEqual(self.w.switch_intervals, [INTERVAL * 1000, 20.0, 0])
            self.assertEqual(self.w.gc.log, ["pause", "resume"])
            self.s.set_switch_interval(0.01)  # one thread: nothing to tell the kernel
            self.assertEqual(self.s.get_switch_interval(), 0.01)
            self.assertEqual(self.w.switch_intervals, [INTERVAL * 1000, 20.0, 0])
            self.w.spawn(lambda: None).join()
            self.assertEqual(self.w.switch_intervals, [INTERVAL * 1000, 20.0, 0, 10.0, 0])

        self.run_main(main)

    def test_an_exception_that_escapes_a_thread_is_reported(self):
        def main():
            def fails():
                raise ValueError("boom")

            handle = FakeHandle(self.s)
            stderr = io.StringIO()
            with contextlib.redirect_stderr(stderr):
                self.s.spawn(fails, handle, False)
                handle.join()
                quiet = FakeHandle(self.s)
                self.s.spawn(_exit_thread, quiet, False)
                quiet.join()
            text = stderr.getvalue()
            self.assertIn("Exception ignored in thread started by: <function", text)
            self.assertIn("ValueError: boom", text)
            self.assertNotIn("SystemExit", text)
            self.assertEqual(self.w.thread_exits, [1001, 1002])

        self.run_main(main)

    def test_a_thread_that_ends_hands_the_cpu_to_the_next_ready_one(self):
        def main():
            waitlist = deque()
            handle, thread = self.waiter(waitlist, "B")

            def body():
                self.s.wake_one(waitlist)
                self.log.append("A ends")

            a = self.w.spawn(body)
            a.join()
            handle.join()

        self.run_main(main)
        self.assertEqual(self.log, ["A ends", ("B", True)])


class _NullHandle:
    def _bind(self, thread):
        self.thread = thread

    def _set_done(self):
        pass


def _exit_thread():
    raise SystemExit


class ModuleApiTest(unittest.TestCase):
    """The layer's modules call the process's scheduler through green's functions."""

    def test_the_module_functions_are_the_process_schedulers_methods(self):
        names = (
            "bind", "wait", "wake_one", "wake_all", "make_ready", "yield_now", "wait_call",
            "spawn", "native_id", "get_ident", "count", "in_main", "main_thread", "alone",
            "can_block", "set_name", "set_switch_interval", "get_switch_interval",
            "interrupt_main", "take_signals",
        )
        for name in names:
            self.assertIs(getattr(green, name).__self__, green.scheduler, name)
        self.assertIs(green.current(), green.scheduler.current)
        self.assertIs(green.main_thread(), green.scheduler.main)
        self.assertIs(locks._scheduler, green.scheduler)
        self.assertTrue(callable(green.unpreemptible))


if __name__ == "__main__":
    unittest.main()
