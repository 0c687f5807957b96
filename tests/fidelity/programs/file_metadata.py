"""Files as Linux keeps them: open modes, seek and truncate, stat (mode, size, mtime), scandir,
utime, replace, symlinks, chdir, access."""
import os, time
with open("m.txt", "w+") as f:
    f.write("hello world\n")
    f.seek(6); print(f.read().strip(), f.tell())
    f.seek(0); f.truncate(5)
with open("m.txt", "r+b") as f:
    print(f.read(), os.fstat(f.fileno()).st_size)
    f.seek(0, 2); f.write(b"!")
with open("m.txt", "a") as f:
    f.write("\nmore")
print(open("m.txt").read().splitlines())
st = os.stat("m.txt"); print(st.st_size, abs(st.st_mtime - time.time()) < 5, oct(st.st_mode))
with os.scandir(".") as it:
    print(sorted((e.name, e.is_file(), e.inode() == e.stat().st_ino) for e in it if e.name == "m.txt"))
os.utime("m.txt", (1, 2)); print(os.stat("m.txt").st_mtime)
os.replace("m.txt", "n.txt"); print(os.path.exists("m.txt"), os.path.exists("n.txt"))
os.symlink("n.txt", "link"); print(os.readlink("link"), open("link").read()[:5], os.path.islink("link"))
os.remove("link"); os.remove("n.txt")
os.mkdir("sub"); os.chdir("sub"); print(os.path.basename(os.getcwd())); os.chdir(".."); os.rmdir("sub")
print(os.access("nothing", os.F_OK))
