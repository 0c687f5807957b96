"""procbox/tools: head, tail, wc, env, ls and grep print what GNU coreutils and grep print (run side by side)."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

LAYER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "workers", "python")
RUN_TOOL = ("import sys; sys.path.insert(0, sys.argv[1]); import importlib; "
            "tool = importlib.import_module('procbox.tools.' + sys.argv[2]); "
            "sys.exit(tool.main(sys.argv[3:]))")
ENV = {"LC_ALL": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", "TZ": "UTC", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}


class ToolsTest(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.folder)
        for name, text in {"a.txt": "".join(f"line {i}\n" for i in range(1, 16)),
                           "b.txt": "one two  three\nno newline at end",
                           "empty.txt": ""}.items():
            with open(os.path.join(self.folder, name), "w") as f:
                f.write(text)

    def same(self, argv, stdin=b""):
        program = shutil.which(argv[0])
        if program is None:
            self.skipTest(f"{argv[0]} is not installed here")
        def run(command, executable=None):
            return subprocess.run(command, executable=executable, input=stdin,
                                  capture_output=True, cwd=self.folder, env=ENV)

        theirs = run(argv, executable=program)  # argv[0] as typed: GNU names itself by it
        ours = run([sys.executable, "-c", RUN_TOOL, LAYER, *argv])
        self.assertEqual((ours.stdout.decode(), ours.stderr.decode(), ours.returncode),
                         (theirs.stdout.decode(), theirs.stderr.decode(), theirs.returncode),
                         argv)

    def test_head(self):
        for args in ([], ["-n", "3"], ["-n2"], ["-4"], ["-c", "7"], ["-n", "0"]):
            self.same(["head", *args, "a.txt"])
        self.same(["head", "-n", "2", "a.txt", "b.txt", "empty.txt"])
        self.same(["head", "-n", "1", "-", "a.txt"], stdin=b"typed\nmore\n")
        self.same(["head", "missing.txt", "a.txt"])

    def test_tail(self):
        for args in ([], ["-n", "3"], ["-n2"], ["-n", "+13"], ["-c", "5"], ["-n", "0"]):
            self.same(["tail", *args, "a.txt"])
        self.same(["tail", "-n", "1", "a.txt", "b.txt"])
        self.same(["tail", "-n", "1"], stdin=b"x\ny\n")
        self.same(["tail", "missing.txt"])

    def test_wc(self):
        for args in ([], ["-l"], ["-w"], ["-c"], ["-lw"], ["-l", "-c"]):
            self.same(["wc", *args, "a.txt"])
            self.same(["wc", *args, "a.txt", "b.txt", "empty.txt"])
        self.same(["wc"], stdin=b"from stdin\nmore words here\n")
        self.same(["wc", "-l"], stdin=b"a\nb\n")
        self.same(["wc", "a.txt", "missing.txt"])

    def test_env(self):
        self.same(["env"])
        self.same(["env", "-i", "A=1", "B=x y"])
        self.same(["env", "-u", "TZ", "X=2"])
        self.same(["env", "-i", "no-such-program"])

    def test_ls(self):
        os.mkdir(os.path.join(self.folder, "sub"))
        os.mkdir(os.path.join(self.folder, "sub", "deeper"))
        open(os.path.join(self.folder, "sub", "x.py"), "w").close()
        open(os.path.join(self.folder, ".hidden"), "w").close()
        os.chmod(os.path.join(self.folder, "b.txt"), 0o755)
        os.symlink("sub", os.path.join(self.folder, "link"))
        for args in ([], ["-a"], ["-A"], ["-1"], ["-F"], ["-R"], ["-d", "sub"], ["-l", "sub"],
                     ["-la"], ["-lR"], ["-lF"], ["a.txt", "sub"], ["missing", "a.txt"], ["-z"]):
            self.same(["ls", *args])

    def test_grep(self):
        for args in (["line 1", "a.txt"], ["-c", "1", "a.txt", "b.txt"], ["-n", "-v", "line", "a.txt"],
                     ["-i", "ONE", "b.txt"], ["-w", "line 1", "a.txt"], ["-x", "line 1", "a.txt"],
                     ["-E", "^line (1|2)$", "a.txt"], ["1\\{2\\}", "a.txt"], ["(", "a.txt"],
                     ["-l", "two", "a.txt", "b.txt"], ["-o", "t[a-z]*", "b.txt"], ["-q", "1", "a.txt"],
                     ["-F", ".", "b.txt"], ["nothing", "a.txt"], ["x", "missing", "a.txt"],
                     ["-e", "one", "-e", "end", "b.txt"], ["-h", "o", "a.txt", "b.txt"]):
            self.same(["grep", *args])
        self.same(["grep", "b"], stdin=b"abc\nxyz\n")


if __name__ == "__main__":
    unittest.main()
