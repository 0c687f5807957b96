"""File errors carry Linux's errno numbers and messages, and the errno module agrees."""
import errno
import os
import pathlib

os.mkdir("d")
open("d/f", "w").close()
attempts = [
    ("open missing", lambda: open("missing.txt")),
    ("mkdir existing", lambda: os.mkdir("d")),
    ("rmdir non-empty", lambda: os.rmdir("d")),
    ("open a directory", lambda: open("d")),
    ("listdir a file", lambda: os.listdir("d/f")),
    ("remove a directory", lambda: os.remove("d")),
    ("close a bad fd", lambda: os.close(999)),
    ("exclusive create", lambda: open("d/f", "x")),
    ("stat missing", lambda: pathlib.Path("nope").stat()),
]
for what, attempt in attempts:
    try:
        attempt()
    except OSError as e:
        print(f"{what}: {type(e).__name__} {e.errno} {errno.errorcode[e.errno]} {e}")
print(errno.ENOENT, errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR, errno.ENOTDIR, errno.EBADF, errno.ENOSPC)
print(os.strerror(errno.ENOSPC))
try:
    os.makedirs("d")
except FileExistsError as e:
    print("makedirs", e.errno == errno.EEXIST, e)
os.makedirs("d", exist_ok=True)
os.remove("d/f")
os.rmdir("d")
print("cwd is a directory", os.path.isdir(os.getcwd()))
