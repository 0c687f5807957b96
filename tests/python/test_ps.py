"""procbox/tools/ps.py lays out a process table as procps-ng's ps does: real processes of this
machine, read from /proc as the kernel's rows, beside what /usr/bin/ps prints of them."""

import os
import shutil
import subprocess
import time
import unittest

import layer  # noqa: F401  (puts the Python layer on sys.path)
from procbox.tools import ps

ENV = {**os.environ, "LC_ALL": "C.UTF-8", "TZ": "UTC"}


def proc_row(pid):
    """One process as the kernel's ``processes`` call gives it, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    comm = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    state, ppid, pgid, _, tty_nr, tpgid = fields[0], *map(int, fields[1:6])
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        argv = [a.decode() for a in f.read().split(b"\0") if a]
    with open("/proc/stat") as f:
        boot = next(int(line.split()[1]) for line in f if line.startswith("btime"))
    ticks = int(fields[19]) / os.sysconf("SC_CLK_TCK")
    return {"pid": pid, "ppid": ppid, "pgid": pgid, "argv": argv or [comm], "state": state,
            "threads": int(fields[17]) - 1, "tty": tty_nr != 0,
            "foreground": tty_nr != 0 and tpgid == pgid, "started": (boot + ticks) * 1000}


def children_of(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


@unittest.skipUnless(shutil.which("ps") and os.path.exists("/proc/self/stat"), "needs procps")
class PsTest(unittest.TestCase):
    def setUp(self):
        os.environ["TZ"] = "UTC"  # ps.py's STIME reads this process's local time
        time.tzset()
        # New sessions: no terminal, whether or not these tests run in one.
        start = dict(start_new_session=True, env=ENV)
        self.sleeper = subprocess.Popen(["sleep", "30"], **start)
        self.shell = subprocess.Popen(["sh", "-c", "sleep 30; :"], **start)
        self.zombie = subprocess.Popen(["true"], **start)
        for child in (self.sleeper, self.shell):
            self.addCleanup(child.wait)
            self.addCleanup(child.kill)
        self.addCleanup(self.zombie.wait)
        deadline = time.monotonic() + 10

        def settled():
            # The shell's child is a forked sh until it has exec'd sleep.
            children = children_of(self.shell.pid)
            return (
                children
                and proc_row(children[0])["argv"] == ["sleep", "30"]
                and proc_row(self.zombie.pid)["state"] == "Z"
            )

        while not settled() and time.monotonic() < deadline:
            time.sleep(0.01)
        self.grandchild = children_of(self.shell.pid)[0]
        self.addCleanup(lambda: subprocess.run(["kill", str(self.grandchild)]))

    def same(self, args):
        pids = [self.sleeper.pid, self.shell.pid, self.grandchild, self.zombie.pid]
        rows = [proc_row(pid) for pid in pids]
        theirs = subprocess.run(["ps", *args], capture_output=True, text=True, env=ENV)
        try:
            lines, status = ps.render(args, rows, os.getpid(), time.time())
            ours = ("".join(line + "\n" for line in lines), "", status)
        except ps.Usage as error:
            ours = ("", f"error: {error}\n{ps.USAGE}\n", 1)
        self.assertEqual(ours, (theirs.stdout, theirs.stderr, theirs.returncode), args)

    def test_layouts(self):
        every = ",".join(map(str, (self.sleeper.pid, self.shell.pid, self.grandchild)))
        for args in (["-p", every], ["-f", "-p", every], ["-fp", str(self.zombie.pid)],
                     ["-p", str(self.zombie.pid)], ["-p", str(self.sleeper.pid), "-p", every],
                     ["-o", "pid,ppid,pgid,stat,s,tty,comm,args", "-p", every],
                     ["-o", "pid=", "-p", every], ["-o", "pid=ID,user,uid,cmd", "-p", every],
                     ["-p", "4194303"]):
            self.same(args)

    def test_errors(self):
        for args in (["-Q"], ["-o", "bogus"], ["-p", "abc"], ["-p", "1,x"]):
            self.same(args)


if __name__ == "__main__":
    unittest.main()
