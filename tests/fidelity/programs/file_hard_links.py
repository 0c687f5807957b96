"""Hard links (os.link) seen by two processes, and link's errors."""
import multiprocessing as mp
import os
import tempfile


def child(path):
    with open(path, "a") as f:
        f.write("child was here\n")
    print("child sees", os.stat(path).st_nlink, "links")


if __name__ == "__main__":
    os.chdir(tempfile.mkdtemp())
    with open("original.txt", "w") as f:
        f.write("first line\n")
    os.mkdir("sub")
    os.link("original.txt", "sub/alias.txt")
    print(os.stat("original.txt").st_nlink, os.path.samefile("original.txt", "sub/alias.txt"))
    p = mp.Process(target=child, args=("sub/alias.txt",))
    p.start()
    p.join()
    print(open("original.txt").read(), end="")
    os.remove("original.txt")
    print(os.stat("sub/alias.txt").st_nlink, open("sub/alias.txt").read().splitlines())
    for src, dst in [("sub/alias.txt", "sub/alias.txt"), ("missing", "x"), ("sub", "sub2")]:
        try:
            os.link(src, dst)
        except OSError as e:
            print(type(e).__name__, e)
    os.symlink("sub/alias.txt", "soft")
    os.link("soft", "via-soft")
    print(os.path.islink("via-soft"), open("via-soft").read().count("\n"))
    print(sorted(os.listdir(".")), sorted(os.listdir("sub")))
