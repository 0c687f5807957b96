"""multiprocessing.shared_memory as the Python docs show it, then between processes."""
import array
import multiprocessing as mp
import os
from multiprocessing import shared_memory


def fill(name, index):
    shm = shared_memory.SharedMemory(name)
    shm.buf[index * 4:(index + 1) * 4] = bytes([index + 1]) * 4
    shm.close()


def shout(name):
    sl = shared_memory.ShareableList(name=name)
    sl[0] = sl[0].upper()
    sl[3] += 1
    sl.shm.close()


if __name__ == "__main__":
    # The docs' first example, in one process.
    shm_a = shared_memory.SharedMemory(create=True, size=10)
    print(type(shm_a.buf))
    buffer = shm_a.buf
    print(len(buffer))
    buffer[:4] = bytearray([22, 33, 44, 55])
    buffer[4] = 100
    shm_b = shared_memory.SharedMemory(shm_a.name)
    print(array.array('b', shm_b.buf[:5]))
    shm_b.buf[:5] = b'howdy'
    print(bytes(shm_a.buf[:5]))
    print("in /dev/shm:", os.path.exists("/dev/shm/" + shm_a.name))
    shm_b.close()
    shm_a.close()
    shm_a.unlink()
    print("after unlink:", os.path.exists("/dev/shm/" + shm_a.name))

    # Four processes write their own slices of one block.
    block = shared_memory.SharedMemory(create=True, size=16)
    workers = [mp.Process(target=fill, args=(block.name, i)) for i in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(list(block.buf))
    block.close()
    block.unlink()

    # ShareableList, the docs' example, then changed by a child.
    a = shared_memory.ShareableList(['howdy', b'HoWdY', -273.154, 100, None, True, 42])
    print([type(entry) for entry in a])
    print(a[2])
    a[2] = -78.5
    print(a[2])
    a[-1] = 'dry ice'
    print(a[-1], len(a), a.count(b'HoWdY'), a.index(100))
    child = mp.Process(target=shout, args=(a.shm.name,))
    child.start()
    child.join()
    print(list(a))
    a.shm.close()
    a.shm.unlink()

    try:
        shared_memory.SharedMemory("procbox_no_such_block")
    except FileNotFoundError as e:
        print(type(e).__name__, e.errno, e.strerror, e.filename)
    first = shared_memory.SharedMemory("procbox_twice", create=True, size=8)
    try:
        shared_memory.SharedMemory("procbox_twice", create=True, size=8)
    except FileExistsError as e:
        print(type(e).__name__, e.errno, e.filename)
    first.close()
    first.unlink()
