"""os.wait, os.spawn* and os.posix_spawn: children started and reaped without subprocess."""
import os
import sys

code = "import sys; sys.exit(int(sys.argv[1]))"
first = os.spawnv(os.P_NOWAIT, sys.executable, ["python3", "-c", code, "3"])
second = os.spawnvp(os.P_NOWAIT, "python3", ["python3", "-c", code, "4"])
ended = dict(os.wait() for _ in range(2))
print(sorted(os.waitstatus_to_exitcode(s) for s in ended.values()), set(ended) == {first, second})
try:
    os.wait()
except ChildProcessError as error:
    print("wait:", error)

code = "import sys; print('child', sys.argv[1:]); sys.exit(int(sys.argv[1]))"
print("P_WAIT", os.spawnl(os.P_WAIT, sys.executable, "python3", "-c", code, "5"))
print("missing", os.spawnlp(os.P_WAIT, "no-such-program", "no-such-program"))
print("env", os.spawnle(os.P_WAIT, sys.executable, "python3", "-c", "import os; print(os.environ.get('X'))", {"X": "42"}))

pid = os.posix_spawnp("python3", ["python3", "-c", "print('posix_spawnp')"], os.environ)
print(os.waitpid(pid, 0) == (pid, 0))
actions = [(os.POSIX_SPAWN_OPEN, 1, "spawned.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
           (os.POSIX_SPAWN_DUP2, 1, 2)]
code = "import sys; print('to the file'); print('errors too', file=sys.stderr)"
pid = os.posix_spawn(sys.executable, ["python3", "-c", code], {}, file_actions=actions)
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
with open("spawned.txt") as f:
    print(f.read().splitlines())
try:
    os.posix_spawn("/nope", ["x"], {})
except OSError as error:
    print(type(error).__name__, error)
print("done")
