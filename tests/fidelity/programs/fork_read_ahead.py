"""A forked child gets a copy of its parent's read buffers: what the parent read ahead of the
program, the child reads too (then both go on at the shared offset)."""
import multiprocessing as mp

with open("lines.txt", "w") as out:
    out.write("".join(f"line {i}\n" for i in range(1, 6)))
with open("big.bin", "wb") as out:
    out.write(bytes(range(256)) * 64)  # 16 KiB: more than one buffer's worth

text = open("lines.txt")
binary = open("big.bin", "rb", buffering=4096)  # the default size differs between versions


def child():
    print("child:", text.readline().strip())
    print("child rest:", text.read().split("\n")[:-1])
    data = binary.read(5000)
    print("child binary:", len(data), data[:3].hex(), binary.tell())


if __name__ == "__main__":
    print("parent:", text.readline().strip())
    print("parent binary:", binary.read(3).hex(), binary.tell())
    p = mp.Process(target=child)
    p.start()
    p.join()
    print("parent:", text.readline().strip())
    print("parent rest:", text.read().split("\n")[:-1])
    data = binary.read()
    print("parent binary:", len(data), data[:3].hex(), binary.tell())
