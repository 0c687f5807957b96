"""The page size a program sees is Linux's, wherever it asks, and multiprocessing's heap carves
its first arena for Value and Array of that size."""
import mmap
import multiprocessing as mp
import os
from multiprocessing import heap

print(mmap.PAGESIZE, mmap.ALLOCATIONGRANULARITY)
print(os.sysconf("SC_PAGESIZE"), os.sysconf("SC_PAGE_SIZE"))
print(os.sysconf(os.sysconf_names["SC_PAGESIZE"]))
print(os.sysconf("SC_CLK_TCK"))

with open("pages.bin", "wb") as f:
    f.write(bytes(range(256)) * 16 + b"second page" + bytes(4085))
with open("pages.bin", "r+b") as f:
    with mmap.mmap(f.fileno(), 11, offset=mmap.PAGESIZE) as second:
        print(second[:])


def child(value):
    with value.get_lock():
        value.value += 1


if __name__ == "__main__":
    value = mp.Value("i", 41)
    print([arena.size for arena in heap.BufferWrapper._heap._arenas])
    p = mp.Process(target=child, args=(value,))
    p.start()
    p.join()
    print(value.value)
