"""procbox/command.py: python command lines read as CPython reads them."""

import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "workers", "python"))

from procbox.command import parse  # noqa: E402


class ParseTest(unittest.TestCase):
    def test_forms(self):
        cases = {
            ("python3", "-c", "print(1)", "a"): ("code", "print(1)", ["-c", "a"]),
            ("python3", "-uc", "pass"): ("code", "pass", ["-c"]),
            ("python3", "-cpass", "x"): ("code", "pass", ["-c", "x"]),
            ("python3", "-m", "json.tool", "f"): ("module", "json.tool", ["json.tool", "f"]),
            ("python3", "-u", "-B", "run.py", "-c", "x"): ("script", "run.py", ["run.py", "-c", "x"]),
            ("python3", "-X", "dev", "-W", "error", "s.py"): ("script", "s.py", ["s.py"]),
            ("python3", "-Xdev", "s.py"): ("script", "s.py", ["s.py"]),
            ("python3", "--", "-odd.py"): ("script", "-odd.py", ["-odd.py"]),
            ("python3", "-", "a"): ("stdin", None, ["-", "a"]),
            ("python3",): ("stdin", None, [""]),
        }
        for argv, (kind, target, args) in cases.items():
            command = parse(list(argv))
            self.assertEqual((command.kind, command.target, command.argv), (kind, target, args))

    def test_sys_argv_matches_native_python(self):
        """The argv a script, -c and -m see, against native python3 on this machine."""
        with tempfile.TemporaryDirectory() as folder:
            script = os.path.join(folder, "show.py")
            with open(script, "w") as f:
                f.write("import sys; print(sys.argv[1:])\n")
            for argv in (
                ["-u", script, "a", "-c"],
                ["-c", "import sys; print(sys.argv[1:])", "x", "-m"],
                ["-B", "-c", "import sys; print(sys.argv[1:])"],
            ):
                native = subprocess.run(
                    [sys.executable, *argv], capture_output=True, text=True, check=True
                ).stdout
                self.assertEqual(native.strip(), str(parse(["python3", *argv]).argv[1:]))

    def test_errors_say_what_cpython_says(self):
        for argv, first_line in (
            (["python3", "-c"], "Argument expected for the -c option"),
            (["python3", "-m"], "Argument expected for the -m option"),
            (["python3", "-Z"], "Unknown option: -Z"),
        ):
            command = parse(argv)
            self.assertEqual(command.status, 2)
            self.assertEqual(command.error.splitlines()[0], first_line)
            native = subprocess.run([sys.executable, *argv[1:]], capture_output=True, text=True)
            self.assertEqual(native.returncode, 2)
            self.assertEqual(native.stderr.splitlines()[0], first_line)


if __name__ == "__main__":
    unittest.main()
