"""Creating files where the name is taken, dangles, is a folder or goes through links."""
import errno
import os
import tempfile


def attempt(label, action):
    try:
        result = action()
    except OSError as e:
        print(label, type(e).__name__, errno.errorcode[e.errno], repr(e.filename))
    else:
        print(label, "ok")
        if hasattr(result, "close"):
            result.close()
        elif isinstance(result, int):
            os.close(result)


os.chdir(tempfile.mkdtemp())
attempt("create", lambda: open("a.txt", "w"))
attempt("exclusive, taken", lambda: open("a.txt", "x"))
attempt("in a missing folder", lambda: open("nodir/f", "w"))
os.mkdir("d")
attempt("a folder, with a slash", lambda: open("d/", "w"))
attempt("a folder", lambda: open("d", "w"))
attempt("mkdir, taken", lambda: os.mkdir("d"))
os.symlink("target.txt", "link")
attempt("through a dangling link", lambda: open("link", "w"))
print("target made:", os.path.exists("target.txt"))
attempt("exclusive on a link", lambda: os.open("link", os.O_WRONLY | os.O_CREAT | os.O_EXCL))
attempt("under a file", lambda: open("a.txt/b", "w"))
attempt("through ..", lambda: open("d/../c.txt", "w"))
attempt("named .", lambda: open("d/.", "w"))
os.symlink("d", "dl")
attempt("through a linked folder", lambda: open("dl/e.txt", "w"))
attempt("mkdir in a linked folder", lambda: os.mkdir("dl/sub"))
attempt("mkdir in a missing folder", lambda: os.mkdir("nodir/sub"))
print(sorted(os.listdir(".")), sorted(os.listdir("d")))
for i in range(3):
    with open(f"d/f{i}", "x") as f:
        f.write(str(i))
print(sorted(os.listdir("d")), [open(f"d/f{i}").read() for i in range(3)])
