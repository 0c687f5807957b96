"""procbox/stuck.py: what a process tells the deadlock detector once none of its threads can
run, under native CPython on the fake worker (fake_worker.py). The report is read as the worker
reads it: from an event-loop task, while every thread is parked."""

import json
import unittest
from unittest import mock

from fake_worker import HOLD, FakeWorker

from procbox import green, locks, stuck


def calling(handle, name):
    """Whether the thread waits in the layer call ``name`` (its start is a call too)."""
    call = handle.thread.call
    return call is not None and call[0] == name


class StuckTest(unittest.TestCase):
    def setUp(self):
        self.w = FakeWorker()
        self.s = self.w.scheduler
        self.reports = []

    def report_while_parked(self, call, *args):
        """Parks the main thread in the layer call ``call`` (held), reads the report from the
        event loop, then lets the call return."""
        self.w.kernel[call] = lambda *a: HOLD

        def read_then_answer():
            self.reports.append(stuck.report(self.s))
            self.w.answer(self.w.calls[-1][0], 0)

        self.w._task(0.5, read_then_answer)
        self.s.wait_call(call, *args)

    def test_two_threads_each_waiting_for_the_lock_the_other_holds(self):
        # The locks wait in the process's scheduler: here, the fake worker's.
        s = self.s
        patched = mock.patch.multiple(
            green, wait=s.wait, wake_one=s.wake_one, current=s.current_thread
        )
        self.enterContext(patched)
        self.enterContext(mock.patch.object(locks, "_scheduler", s))

        def main():
            a = locks.LockType()
            b = locks.LockType()
            gate = locks.LockType()
            gate.acquire()  # held until both threads hold their first lock

            def take(first, second):
                first.acquire()
                gate.acquire()
                gate.release()
                second.acquire()

            one = self.w.spawn(lambda: take(a, b)).thread
            two = self.w.spawn(lambda: take(b, a)).thread
            self.w.until(lambda: a.locked() and b.locked())
            gate.release()
            self.w.until(lambda: one in b._waiters and two in a._waiters)
            self.report_while_parked("semWait", 40, -1.0, 100)
            self.threads = {one.tid: (a, one), two.tid: (b, two)}

        self.w.run(main, leave_threads=True)
        report = {t["tid"]: t["wait"] for t in json.loads(self.reports[0])}
        (tid_one, (a, _)), (tid_two, (b, _)) = sorted(self.threads.items())
        # Parked for the half second of fake time before the event loop asked.
        self.assertEqual(
            report[100], {"kind": "sem", "sem": 40, "line": report[100]["line"], "ago": 500.0}
        )
        self.assertEqual(report[tid_one]["kind"], "lock")
        self.assertEqual(report[tid_one]["object"], b._trace_name)
        self.assertEqual(report[tid_one]["holder"], tid_two)
        self.assertEqual(report[tid_two]["holder"], tid_one)
        self.assertRegex(report[tid_one]["line"], r"^test_stuck\.py:\d+$")

    def test_nothing_while_a_thread_can_run_or_waits_with_a_timeout(self):
        def main():
            # A timed semWait is no report; nor is an untimed one beside a thread that sleeps.
            self.report_while_parked("semWait", 40, 250.0, 100)
            self.w.kernel["sleep"] = lambda ms: HOLD
            sleeper = self.w.spawn(lambda: self.s.wait_call("sleep", 1000.0))
            self.w.until(lambda: calling(sleeper, "sleep"))
            self.report_while_parked("semWait", 40, -1.0, 100)

        self.w.run(main, leave_threads=True)
        self.assertEqual(self.reports, [None, None])

    def test_a_wait_for_a_child_and_a_read_of_a_pipe(self):
        def main():
            self.w.kernel["fdWait"] = lambda *a: HOLD
            reader = self.w.spawn(lambda: self.s.wait_call("fdWait", [5], [1], -1, 0))
            self.w.until(lambda: calling(reader, "fdWait"))
            self.reader = reader.thread.tid
            self.report_while_parked("waitpid", 7, None)

        self.w.run(main, leave_threads=True)
        waits = {t["tid"]: t["wait"] for t in json.loads(self.reports[0])}
        self.assertEqual(waits[100]["kind"], "child")
        self.assertEqual(waits[100]["pid"], 7)
        reading = waits[self.reader]
        self.assertEqual((reading["kind"], reading["fds"], reading["events"]), ("fds", [5], [1]))
        self.assertRegex(reading["line"], r"^test_stuck\.py:\d+$")


if __name__ == "__main__":
    unittest.main()
