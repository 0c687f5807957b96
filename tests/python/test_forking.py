"""After fork(2), in the child (procbox/forking.py): only the forking thread goes on.

``green.Scheduler.after_fork`` and ``threads.after_fork`` run under native CPython here, on a
scheduler whose worker only records what it is asked; the copy itself is tested end to end
(tests/fidelity: fork_whole_process.py, fork_log_to_stderr.py).
"""

import unittest

from procbox import green, threads


class RecordingWorker:
    pid = 7

    def __init__(self):
        self.started = []

    def startThread(self, slot):  # noqa: N802 (the worker's name)
        self.started.append(slot)

    def setSwitchInterval(self, ms):  # noqa: N802
        pass


class RecordingGcGuard:
    def __init__(self):
        self.calls = []

    def pause(self):
        self.calls.append("pause")

    def resume(self):
        self.calls.append("resume")


class AfterForkTest(unittest.TestCase):
    def setUp(self):
        self.gc = RecordingGcGuard()
        self.s = green.Scheduler(new_poller=object, gcguard=self.gc)
        self.s.sync = RecordingWorker()

    def spawn(self):
        handle = threads._ThreadHandle()
        return handle, self.s.spawn(lambda: None, handle, False)

    def test_the_forking_thread_is_the_only_one_and_the_main_one(self):
        first, forker = self.spawn()
        other, _ = self.spawn()
        old_main = self.s.main
        self.s.after_fork(forker)
        threads.after_fork(forker)
        self.assertIs(self.s.main, forker)
        self.assertIs(self.s.current, forker)
        self.assertEqual(list(self.s.threads.values()), [forker])
        self.assertEqual(self.s.count(), 0)  # threading.active_count() is 1
        self.assertTrue(other.is_done())
        self.assertFalse(first.is_done())
        self.assertNotEqual(old_main.ident, forker.ident)
        self.assertEqual((self.s.js_waits, list(self.s.ready)), (0, []))
        self.assertEqual(self.gc.calls, ["pause", "resume"])  # one thread again: GC as usual

    def test_a_thread_started_after_fork_never_takes_the_forkers_ident(self):
        _, forker = self.spawn()
        self.spawn()
        self.s.after_fork(forker)
        idents = {self.spawn()[1].ident for _ in range(3)}
        self.assertNotIn(forker.ident, idents)
        self.assertEqual(len(idents), 3)

    def test_a_fork_from_the_main_thread_keeps_it(self):
        main = self.s.main
        self.s.after_fork(main)
        self.assertIs(self.s.main, main)
        self.assertEqual(self.s.next_slot, green.MAIN_SLOT + 1)
        self.assertEqual(self.gc.calls, [])


if __name__ == "__main__":
    unittest.main()
