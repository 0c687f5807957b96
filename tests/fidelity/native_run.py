"""Runs a CPython program and records its output line by line.

Usage: python3 native_run.py START_METHOD ENTRY [ENTRY ...] < stdin
Prints a JSON object: the exit code, stdout and stderr. With several entries (a server and its
client), each starts in that order and the run ends with the last one, as ``procbox run`` ends:
the others are then killed, with their process groups, and their output joins the record.

Procbox's console is a terminal, where stdout is line-buffered. Racing processes on a real
terminal can even interleave inside a line (tty writes are not atomic), which no test could
compare. So stdout here is a pipe, and each process writes whole lines in one write(2):
what every process printed, line by line, is recorded exactly.
"""

import json
import subprocess
import sys

import os
import signal
import time

method, entries = sys.argv[1], sys.argv[2:]
PROG = """
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


# A spawned child is a fresh interpreter without LineAtomic: unbuffered, its lines go out as
# they are printed (as on a terminal) whatever this machine's environment says.
ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


def program(entry):
    return [sys.executable, "-c", PROG.format(method=method, entry=entry)]


servers = []
for entry in entries[:-1]:
    servers.append(
        subprocess.Popen(
            program(entry),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env=ENV,
        )
    )
    time.sleep(0.5)  # listening before the next starts (clients retry anyway)
child = subprocess.run(
    program(entries[-1]), input=sys.stdin.buffer.read(), capture_output=True, timeout=60, env=ENV
)
stdout, stderr = child.stdout.decode(), child.stderr.decode()
for server in servers:
    time.sleep(0.3)  # what the server prints for the client's last message
    os.killpg(server.pid, signal.SIGKILL)
    out, err = server.communicate()
    stdout, stderr = out.decode() + stdout, err.decode() + stderr
print(json.dumps({"exitCode": child.returncode, "stdout": stdout, "stderr": stderr}))
