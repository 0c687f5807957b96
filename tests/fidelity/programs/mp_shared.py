# Value, Array, RawValue, RawArray and sharedctypes: children write, the parent reads after join;
# four children count under get_lock() and under a separate Lock; a ctypes Structure array.
from multiprocessing import Process, Value, Array, Lock, RawValue, RawArray
from multiprocessing import sharedctypes
import ctypes


def f(n, a):
    n.value = 3.1415927
    for i in range(len(a)):
        a[i] = -a[i]


def add(counter, times):
    for _ in range(times):
        with counter.get_lock():
            counter.value += 1


def raw_add(counter, lock, times):
    for _ in range(times):
        with lock:
            counter.value += 1


class Point(ctypes.Structure):
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_double)]


def modify(A, s):
    for a in A:
        a.x **= 2
        a.y **= 2
    s.value = s.value.upper()


if __name__ == "__main__":
    num = Value("d", 0.0)
    arr = Array("i", range(10))
    p = Process(target=f, args=(num, arr))
    p.start()
    p.join()
    print(num.value)
    print(arr[:])

    counter = Value("i", 0)
    ps = [Process(target=add, args=(counter, 200)) for _ in range(4)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    print("locked", counter.value)

    raw = RawValue("i", 0)
    lock = Lock()
    ps = [Process(target=raw_add, args=(raw, lock, 200)) for _ in range(4)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    print("raw", raw.value)

    lock = Lock()
    s = Array("c", b"hello world", lock=lock)
    A = Array(Point, [(1.875, -6.25), (-5.75, 2.0), (2.375, 9.5)], lock=lock)
    p = Process(target=modify, args=(A, s))
    p.start()
    p.join()
    print([(a.x, a.y) for a in A])
    print(s.value)
    print(type(num), type(raw), type(RawArray("d", 3)))
    print(num, repr(Value("i", 7, lock=False)))
    v = Value(ctypes.c_int, 5)
    print(v.get_lock(), v.get_obj())
    try:
        Value("i", 1, lock=5)
    except AttributeError as e:
        print("AttributeError", e)
    ra = RawArray("i", 4)
    print(len(ra), ra[:], sharedctypes.copy(arr.get_obj())[:])
