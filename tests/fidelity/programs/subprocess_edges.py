"""subprocess's corners: a child that fills a pipe nobody reads, getoutput, send_signal,
pass_fds, encoding=, a shell's syntax errors, a signal's -N, and reaping."""
import os
import signal
import subprocess
import sys

# 1 MB into a pipe nobody reads: the child blocks (a pipe holds 64 KiB) until it is read.
writer = "import sys; sys.stdout.write('x' * 1_000_000); sys.stdout.flush(); print('done', file=sys.stderr)"
flood = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
try:
    flood.wait(timeout=1)
except subprocess.TimeoutExpired:
    print("still blocked after 1 s")
out, err = flood.communicate()
print(len(out), err, flood.returncode)

print(subprocess.getoutput("echo hi; nosuch"))
print(subprocess.getstatusoutput("exit 3"))

# os.write in the handler: a print there may meet print's own buffer mid-flush (in CPython too).
handler = """import os, signal, sys, time
signal.signal(signal.SIGUSR1, lambda *a: (os.write(1, b'usr1\\n'), sys.exit(5)))
print('ready', flush=True)
time.sleep(30)"""
p = subprocess.Popen([sys.executable, "-c", handler], stdout=subprocess.PIPE, text=True)
print(p.stdout.readline().strip())
p.send_signal(signal.SIGUSR1)
print(p.stdout.read().strip(), p.wait())
p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
p.send_signal(signal.SIGKILL)
print("SIGKILL:", p.wait())

r, w = os.pipe()
subprocess.run([sys.executable, "-c", f"import os; os.write({w}, b'through a passed fd')"], pass_fds=[w])
os.close(w)
print(os.read(r, 100))
os.close(r)

print(subprocess.run([sys.executable, "-c", "print('héllo 世界')"], capture_output=True, encoding="utf-8").stdout, end="")
latin = "import sys; sys.stdout.buffer.write('café'.encode('latin-1'))"
print(subprocess.run([sys.executable, "-c", latin], capture_output=True, encoding="utf-8", errors="replace").stdout)

for script in ("echo |", "a && ", "; echo x", "echo 'open"):
    done = subprocess.run(script, shell=True, capture_output=True, text=True)
    print(done.returncode, done.stderr, end="")

children = [subprocess.Popen(["true"]) for _ in range(3)]
print([child.wait() for child in children])
try:
    os.waitpid(-1, os.WNOHANG)
except ChildProcessError as error:
    print(error)
