"""Runs a CPython program and records its output line by line.

Usage: python3 native_run.py START_METHOD ENTRY < stdin
Prints a JSON object: the exit code, stdout and stderr.

Procbox's console is a terminal, where stdout is line-buffered. Racing processes on a real
terminal can even interleave inside a line (tty writes are not atomic), which no test could
compare. So stdout here is a pipe, and each process writes whole lines in one write(2):
what every process printed, line by line, is recorded exactly.
"""

import json
import subprocess
import sys

method, entry = sys.argv[1], sys.argv[2]
prog = f"""
import io, multiprocessing, os, runpy, sys

class LineAtomic(io.TextIOBase):
    def __init__(self):
        self.pending = ''
    def write(self, text):
        self.pending += text
        if '\\n' in self.pending:
            head, _, self.pending = self.pending.rpartition('\\n')
            os.write(1, (head + '\\n').encode())
        return len(text)
    def flush(self):
        if self.pending:
            os.write(1, self.pending.encode())
            self.pending = ''
    def isatty(self):
        return True

sys.stdout = LineAtomic()
multiprocessing.set_start_method({method!r})
sys.argv = [{entry!r}]
runpy.run_path({entry!r}, run_name='__main__')
"""
child = subprocess.run(
    [sys.executable, "-c", prog], input=sys.stdin.buffer.read(), capture_output=True, timeout=60
)
print(
    json.dumps(
        {
            "exitCode": child.returncode,
            "stdout": child.stdout.decode(),
            "stderr": child.stderr.decode(),
        }
    )
)
