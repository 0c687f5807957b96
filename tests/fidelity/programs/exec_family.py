"""os.exec*: the same pid runs a new program, with its streams and inheritable descriptors."""
import multiprocessing as mp
import os
import subprocess
import sys


def child(w):
    # The pid stays; the pipe's write end was made inheritable, so it survives the exec.
    code = f"import os; os.write({w}, f'exec in {{os.getpid()}}'.encode())"
    os.execv(sys.executable, [sys.executable, "-c", code])


if __name__ == "__main__":
    for attempt in (
        lambda: os.execv("/nope", ["x"]),
        lambda: os.execve("/nope", ["x"], {}),
        lambda: os.execvp("nope", ["nope"]),
        lambda: os.execvpe("nope", ["nope"], {"PATH": "/bin"}),
        lambda: os.execv(sys.executable, []),
    ):
        try:
            attempt()
        except (OSError, ValueError) as error:
            print(type(error).__name__, error)

    r, w = os.pipe()
    os.set_inheritable(w, True)
    p = mp.Process(target=child, args=(w,))
    p.start()
    os.close(w)
    print(os.read(r, 100).decode() == f"exec in {p.pid}")
    p.join()
    print("exitcode", p.exitcode)

    script = "import os, sys; print('before', flush=True); os.execlp('python3', 'python3', '-c', 'import sys; print(sys.argv, sys.stdin.read()); sys.exit(7)')"
    done = subprocess.run([sys.executable, "-c", script], input=b"typed", capture_output=True)
    print(done.returncode, done.stdout)

    print("last words", flush=True)
    os.execle(sys.executable, "python3", "-c", "import os; print('replaced', os.environ['ONLY'], 'PATH' in os.environ)", {"ONLY": "this"})
    print("never")
