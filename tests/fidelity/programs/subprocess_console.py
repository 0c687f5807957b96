"""subprocess with the console as the child's streams: run, call, check_call, Popen, errors."""
import os
import subprocess
import sys
import tempfile


def say(*args):
    print(*args, flush=True)


os.chdir(tempfile.mkdtemp())
with open("worker.py", "w") as f:
    f.write(
        "import os, sys\n"
        "print('worker', sys.argv[1:], os.path.basename(os.getcwd()) == 'sub', os.environ.get('GREETING'))\n"
        "sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)\n"
    )
result = subprocess.run([sys.executable, "-c", "print('hello from a child')"])
say("run", result.returncode, result.args[1:])
say("call", subprocess.call([sys.executable, "worker.py", "3", "x"]))
try:
    subprocess.check_call([sys.executable, "worker.py", "4"])
except subprocess.CalledProcessError as e:
    say("CalledProcessError", e.returncode, e.cmd[1:])
try:
    subprocess.run(["no-such-command", "arg"])
except FileNotFoundError as e:
    say("FileNotFoundError", e)
try:
    subprocess.run([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.3)
except subprocess.TimeoutExpired as e:
    say("TimeoutExpired", e.cmd[1:])
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
say("poll while running", child.poll())
child.terminate()
say("terminated", child.wait(), child.returncode)
os.mkdir("sub")
env = dict(os.environ, GREETING="hi")
say("cwd and env", subprocess.call([sys.executable, os.path.abspath("worker.py")], cwd="sub", env=env))
try:
    subprocess.run([sys.executable, "-c", "pass"], cwd="no-such-dir")
except FileNotFoundError as e:
    say("FileNotFoundError", e)
say("exit 300", subprocess.call([sys.executable, "-c", "raise SystemExit(300)"]))
say("exception", subprocess.call([sys.executable, "-c", "1/0"]))
say("module", subprocess.call([sys.executable, "-m", "this"]) == 0)
with subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(7)"]) as p:
    pass
say("with Popen", p.returncode)
