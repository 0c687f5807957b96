"""ls and grep as commands, and process groups: os.getpgid, os.killpg, kill -- -PGID."""
import os
import signal
import subprocess
import sys

os.makedirs("notes/sub", exist_ok=True)
texts = {"notes/a.txt": "alpha\nbeta\n", "notes/b.txt": "gamma\nalphabet\n", "notes/sub/c.py": "print('alpha')\n"}
for name, text in texts.items():
    with open(name, "w") as f:
        f.write(text)
# Piped, as the console is a terminal here and ls lays out columns there.
os.system("ls notes | cat; ls -R notes | cat; ls -F notes | grep /; ls -d notes missing")
os.system("grep -n alpha notes/a.txt notes/b.txt; grep -c a notes/a.txt; grep -rl alpha notes/b.txt notes/sub")
os.system("grep -q zeta notes/a.txt || echo no zeta; grep -w alpha -r notes/sub; grep -E 'a$|^b' notes/*.txt")

sleeper = [sys.executable, "-c", "import time; time.sleep(30)"]
p = subprocess.Popen(sleeper, start_new_session=True)
print(os.getpgid(p.pid) == p.pid, os.getpgid(0) == os.getpgrp())
os.killpg(p.pid, signal.SIGTERM)
print(p.wait())
q = subprocess.Popen(sleeper, start_new_session=True)
subprocess.run(["kill", "-9", "--", f"-{q.pid}"])
print(q.wait())
try:
    os.killpg(q.pid, signal.SIGTERM)
except ProcessLookupError as error:
    print(error)
