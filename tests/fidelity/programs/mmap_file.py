"""The mmap docs example: a file mapped, changed through the mapping, read back."""
import mmap, os
with open("hello.txt", "wb") as f:
    f.write(b"Hello Python!\n")
with open("hello.txt", "r+b") as f:
    mm = mmap.mmap(f.fileno(), 0)
    print(mm.readline())
    print(mm[:5])
    mm[6:] = b" world!\n"
    mm.seek(0)
    print(mm.readline())
    print(open("hello.txt", "rb").read())
    mm.close()
print(repr(mm))
with open("hello.txt", "r+b") as f:
    with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        print(m[:5], type(m) is mmap.mmap, isinstance(m, mmap.mmap))
    f.write(b"J")
print(open("hello.txt", "rb").read())
with mmap.mmap(-1, 13) as mm:
    mm.write(b"Hello world!")
    print(mm[:])
