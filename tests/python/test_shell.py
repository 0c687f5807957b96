"""procbox/shell.py: sh -c's grammar, as dash reads it."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "workers", "python"))

from procbox import shell  # noqa: E402


def words(text, variables=None):
    """Each command's argv after expansion, per item: [(argvs, joined_by, background)]."""
    lookup = (variables or {}).get
    result = []
    for pipeline, joined_by, background in shell.parse(text):
        argvs = [[arg for w in c.words for arg in shell.expand(w, lambda n: lookup(n, ""))]
                 for c in pipeline]
        result.append((argvs, joined_by, background))
    return result


class ParseTest(unittest.TestCase):
    def test_quoting_and_variables(self):
        self.assertEqual(
            words("echo 'a  b' \"c $X\" d\\ e $X${X}'$X' \\$X", {"X": "1"}),
            [([["echo", "a  b", "c 1", "d e", "11$X", "$X"]], "", False)],
        )

    def test_lists_and_pipelines(self):
        self.assertEqual(
            words("a | b c; d && e || f &\ng"),
            [
                ([["a"], ["b", "c"]], "", False),
                ([["d"]], ";", False),
                ([["e"]], "&&", False),
                ([["f"]], "||", True),
                ([["g"]], ";", False),
            ],
        )

    def test_assignments_and_redirections(self):
        (pipeline, _, _), = shell.parse('A=1 B="x y" run >out 2>&1 <in 2>>err')
        command = pipeline[0]
        self.assertEqual([name for name, _ in command.assignments], ["A", "B"])
        self.assertEqual(
            [(r.fd, r.op, r.target.pieces[0][0]) for r in command.redirects],
            [(1, ">", "out"), (2, ">&", "1"), (0, "<", "in"), (2, ">>", "err")],
        )

    def test_globs_match_or_stay(self):
        with tempfile.TemporaryDirectory() as folder:
            for name in ("b.py", "a.py", "c.txt"):
                open(os.path.join(folder, name), "w").close()
            cwd = os.getcwd()
            os.chdir(folder)
            try:
                self.assertEqual(words("ls *.py '*.py' *.none"),
                                 [([["ls", "a.py", "b.py", "*.py", "*.none"]], "", False)])
            finally:
                os.chdir(cwd)

    def test_syntax_errors_say_what_dash_says(self):
        for text, message in (
            ("echo |", "end of file unexpected"),
            ("| x", '"|" unexpected'),
            ("a && ", "end of file unexpected"),
            ("; a", '";" unexpected'),
            ("echo 'open", "Unterminated quoted string"),
        ):
            with self.assertRaises(shell.ShellSyntaxError) as caught:
                shell.parse(text)
            self.assertEqual(str(caught.exception), message)


RUN_SH = ("import sys; sys.path.insert(0, sys.argv[1]); from procbox.tools import sh; "
          "sys.exit(sh.main(sys.argv[2:]))")


class BesideDashTest(unittest.TestCase):
    """Scripts run by tools/sh.py and by /bin/sh (dash) side by side, each in a folder of its
    own (the commands they start are this machine's)."""

    def same(self, script, *args):
        import shutil
        import subprocess

        if not os.path.realpath(shutil.which("sh") or "").endswith("dash"):
            self.skipTest("/bin/sh is not dash here")
        env = {"HOME": "/home/user", "PATH": os.environ.get("PATH", "/bin"), "LC_ALL": "C.UTF-8"}
        layer = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "workers", "python"))

        def run(argv):
            with tempfile.TemporaryDirectory() as folder:
                return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=folder)

        ours = run([sys.executable, "-c", RUN_SH, layer, "-c", script, "sh", *args])
        theirs = run(["sh", "-c", script, "sh", *args])
        self.assertEqual((ours.stdout, ours.stderr, ours.returncode),
                         (theirs.stdout, theirs.stderr, theirs.returncode), script)

    def test_parameter_expansion(self):
        self.same("x=; echo ${x:-d} ${x-e} ${y-f} ${#HOME} ${x:+g} ${HOME:+h} ${z:=zz} $z")
        self.same("echo ${1-none} ${2:-two} ${3+three} ${#1}", "one", "")
        self.same("echo a; echo ${x!}; echo not reached")
        self.same("echo ${u:?}")
        self.same("echo ${u?}")
        self.same('X="a  b" E=; echo $X "$X" $E "$E" x${E}y | cat')

    def test_command_substitution_and_arithmetic(self):
        self.same('x=4; echo $(echo a  b) "$(echo c  d)" `echo e` x$(echo)y $(echo $x)')
        self.same('echo "$(echo one; echo two)" $(echo "nested $(echo deep)")')
        self.same("n=3; echo $((1 + 2 * 3)) $((n * 2 - -1)) $((7 / 2)) $((-7 / 2)) $((-7 % 3)) $((n > 2))")
        self.same('x=$(exit 3); echo $? "[$x]"')
        # Each $(...) runs once, whatever runs the command it is in.
        self.same('echo $(echo run >> log; echo x) > out; cat log out; cat $(echo out) $(echo log >> log)')
        self.same("echo ${u:?is gone} after")


if __name__ == "__main__":
    unittest.main()
