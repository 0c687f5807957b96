"""One filesystem for every process: files between a parent and its children (fork and spawn),
appends from four processes under a Lock, a temporary file passed to a child, os.walk."""
import json
import multiprocessing as mp
import os
import shutil
import tempfile


def read_config(path):
    with open(path) as f:
        print("child read", json.load(f))


def append_lines(lock, name, n):
    for i in range(n):
        with lock:
            with open("log.txt", "a") as f:
                f.write(f"{name} {i}\n")


def write_result(path, value):
    with open(path, "w") as f:
        f.write(str(value * value))


def main():
    with open("config.json", "w") as f:
        json.dump({"workers": 4, "name": "demo"}, f)
    for method in ("fork", "spawn"):
        ctx = mp.get_context(method)
        p = ctx.Process(target=read_config, args=("config.json",))
        p.start()
        p.join()

    lock = mp.Lock()
    workers = [mp.Process(target=append_lines, args=(lock, f"w{k}", 25)) for k in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    with open("log.txt") as f:
        lines = f.read().splitlines()
    print("log lines", len(lines), "distinct", len(set(lines)))
    print("per worker", sorted({line.split()[0]: 0 for line in lines}))

    fd, path = tempfile.mkstemp(suffix=".txt")
    os.close(fd)
    p = mp.Process(target=write_result, args=(path, 12))
    p.start()
    p.join()
    with open(path) as f:
        print("temp file from child", f.read(), path.startswith(tempfile.gettempdir()))
    os.remove(path)

    with tempfile.TemporaryDirectory() as top:
        os.makedirs(os.path.join(top, "a", "b"))
        for rel in ("x.txt", "a/y.txt", "a/b/z.txt"):
            with open(os.path.join(top, rel), "w") as f:
                f.write(rel)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            print(os.path.relpath(dirpath, top), sorted(dirnames), sorted(filenames))
        shutil.copytree(os.path.join(top, "a"), os.path.join(top, "copy"))
        shutil.move(os.path.join(top, "copy"), os.path.join(top, "moved"))
        print(sorted(os.listdir(top)), os.path.getsize(os.path.join(top, "moved", "y.txt")))
        shutil.rmtree(os.path.join(top, "a"))
        print(sorted(os.listdir(top)))
    print("temporary directory gone", not os.path.exists(top))
    os.remove("log.txt")
    os.remove("config.json")


if __name__ == "__main__":
    main()
