"""subprocess with files as a child's stdin, stdout and stderr (written, appended, read)."""
import tempfile
import subprocess, sys, os
os.chdir(tempfile.mkdtemp())
with open("out.txt", "w") as f:
    f.write("header\n"); f.flush()
    subprocess.run([sys.executable, "-c", "print('into the file')"], stdout=f)
    subprocess.run([sys.executable, "-c", "import sys; print('err too', file=sys.stderr)"], stderr=f)
print(open("out.txt").read(), end="")
with open("in.txt", "w") as f: f.write("3\n4\n")
with open("in.txt") as f:
    print(subprocess.run([sys.executable, "-c", "import sys; print(sum(int(x) for x in sys.stdin))"], stdin=f, capture_output=True, text=True).stdout, end="")
with open("log.txt", "a") as log:
    subprocess.run([sys.executable, "-c", "print('appended')"], stdout=log, stderr=subprocess.STDOUT)
print(open("log.txt").read().splitlines()[-1])
