"""Files under stress: two processes replacing one file while a third reads it (a rename is
atomic, so no read is torn), a writer killed mid-run (what it wrote stays), and names with
spaces, CJK and emoji."""
import multiprocessing as mp
import os
import time


def replacer(tag, rounds):
    for i in range(rounds):
        tmp = f"tmp-{tag}-{i}.txt"
        with open(tmp, "w") as f:
            f.write(f"{tag} {i}\n" * 100)
        os.replace(tmp, "current.txt")


def reader(rounds, torn):
    for _ in range(rounds):
        with open("current.txt") as f:
            lines = f.read().splitlines()
        if len(lines) != 100 or len(set(lines)) != 1:
            torn.value += 1


def slow_writer(started):
    with open("log.txt", "w") as f:
        for i in range(100_000):
            f.write(f"line {i:06d}\n")
            f.flush()
            if i == 100:
                started.set()
            time.sleep(0.001)


if __name__ == "__main__":
    with open("current.txt", "w") as f:
        f.write("start 0\n" * 100)
    torn = mp.Value("i", 0)
    workers = [mp.Process(target=replacer, args=(tag, 100)) for tag in ("a", "b")]
    workers.append(mp.Process(target=reader, args=(200, torn)))
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print("torn reads:", torn.value)
    with open("current.txt") as f:
        last = f.read().splitlines()
    print("last version whole:", len(last) == 100 and len(set(last)) == 1)
    print("temporary files left:", sorted(n for n in os.listdir() if n.startswith("tmp-")))

    started = mp.Event()
    writer = mp.Process(target=slow_writer, args=(started,))
    writer.start()
    started.wait()
    writer.terminate()
    writer.join()
    with open("log.txt") as f:
        lines = f.read().splitlines()
    print("writer exit code:", writer.exitcode)
    print("at least 100 lines kept:", len(lines) > 100)
    print("every line whole:", all(line == f"line {i:06d}" for i, line in enumerate(lines)))

    names = ["with space.txt", "中文名字.txt", "emoji 🐍.txt", "ünïcödé.txt"]
    for name in names:
        with open(name, "w", encoding="utf-8") as f:
            f.write(name)
    for name in sorted(n for n in os.listdir() if n in names):
        with open(name, encoding="utf-8") as f:
            print(repr(name), os.path.getsize(name), f.read() == name)
    os.rename("中文名字.txt", "改名 🎉.txt")
    print(os.path.exists("中文名字.txt"), os.path.exists("改名 🎉.txt"))
