"""subprocess over pipes: capture_output, check_output, input=, DEVNULL, STDOUT, a line-by-line
conversation, a two-command pipeline, large data both ways, timeout and errors with output."""
import subprocess, sys
r = subprocess.run([sys.executable, "-c", "print('captured'); import sys; print('err', file=sys.stderr)"], capture_output=True, text=True)
print(repr(r.stdout), repr(r.stderr), r.returncode)
print(subprocess.check_output([sys.executable, "-c", "print(6*7)"]))
r = subprocess.run([sys.executable, "-c", "import sys; data = sys.stdin.read(); print(data.upper(), end='')"], input="shout\n", capture_output=True, text=True)
print(repr(r.stdout))
print(subprocess.run([sys.executable, "-c", "print('gone')"], stdout=subprocess.DEVNULL).returncode)
r = subprocess.run([sys.executable, "-c", "import sys; print('o'); print('e', file=sys.stderr)"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
print(sorted(r.stdout.split()))
p = subprocess.Popen([sys.executable, "-c", "import sys\nfor line in sys.stdin:\n    print('echo', line.strip(), flush=True)"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
for word in ["a", "b"]:
    p.stdin.write(word + "\n"); p.stdin.flush()
    print(p.stdout.readline().strip())
p.stdin.close(); print(p.wait())
p1 = subprocess.Popen([sys.executable, "-c", "print('x\\ny\\nx')"], stdout=subprocess.PIPE)
p2 = subprocess.Popen([sys.executable, "-c", "import sys; print(sorted(set(sys.stdin.read().split())))"], stdin=p1.stdout, stdout=subprocess.PIPE, text=True)
p1.stdout.close()
print(p2.communicate()[0].strip(), p1.wait())
big = subprocess.run([sys.executable, "-c", "import sys; d = sys.stdin.buffer.read(); sys.stdout.buffer.write(d * 2)"], input=b"z" * 300000, capture_output=True)
print(len(big.stdout))
try:
    subprocess.run([sys.executable, "-c", "import time; print('start', flush=True); time.sleep(30)"], capture_output=True, timeout=3)
except subprocess.TimeoutExpired as e:
    print("timeout", e.stdout)
try:
    subprocess.check_output([sys.executable, "-c", "print('partial'); raise SystemExit(3)"])
except subprocess.CalledProcessError as e:
    print("CPE", e.returncode, e.output)
