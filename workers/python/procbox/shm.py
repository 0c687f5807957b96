"""multiprocessing's shared memory (Value, Array, sharedctypes) on kernel blocks.

CPython puts the heap behind ``Value`` and ``Array`` in ``mmap`` arenas that a fork shares.
Here an arena is a block in the kernel's shared arena, mirrored into a local ``bytearray`` where
ctypes reads and writes; the runtime brings the two together at every synchronisation point
(workers/ipc/mirror.ts). ``multiprocessing.heap`` itself runs unchanged on top: only its Arena
class is replaced, and arenas pickle by block, so fork and spawn children map the same memory.
"""

import ctypes
import weakref

from multiprocessing import reduction

from . import bridge, ipcnames
from .errors import error

# One mirror per block in a process, so two objects in one block see each other's writes at once.
_mapped = weakref.WeakValueDictionary()


class SharedArena:
    """``heap.Arena``'s interface (``size``, ``buffer``) over a kernel block."""

    def __init__(self, size, fd=-1):
        at, errno = bridge.call("shmCreate", size)
        if errno is not None:
            raise error(errno)
        self._map(at, size)

    def _map(self, at, size):
        self.size = size
        self.fd = -1
        self.buffer = bytearray(size)
        # A bytearray with an exported buffer never moves, so its address stays valid.
        pin = (ctypes.c_char * size).from_buffer(self.buffer)
        addr = ctypes.addressof(pin)
        bridge.sync.shmMap(addr, at, size)
        self._at = at
        _mapped[at] = self
        weakref.finalize(self, _unmap, addr, at, pin)

    @classmethod
    def _rebuild(cls, at, size):
        arena = _mapped.get(at)
        if arena is None:
            # The kernel gave this child the block when it was started.
            arena = cls.__new__(cls)
            arena._map(at, size)
        return arena


def _unmap(addr, at, pin):
    if bridge.bound():
        bridge.sync.shmUnmap(addr, at)


def _reduce_arena(arena):
    return SharedArena._rebuild, (arena._at, arena.size)


def distinct_c_int():
    """On wasm32 C's int and long are both 32 bits, and ctypes then makes ``c_int`` another name
    for ``c_long``, so ``Value('i', 7)`` would show as ``c_long(7)``. Linux's 64-bit long keeps
    them apart; so does this, before anything imports them."""
    if ctypes.c_int is not ctypes.c_long:
        return

    class c_int(ctypes._SimpleCData):
        _type_ = "i"

    class c_uint(ctypes._SimpleCData):
        _type_ = "I"

    for cls in (c_int, c_uint):
        cls.__module__ = "ctypes"
        cls.__qualname__ = cls.__name__
        setattr(ctypes, cls.__name__, cls)


def install():
    """Called once the kernel is bound: multiprocessing.heap asks for the pid as it loads."""
    from multiprocessing import heap, sharedctypes

    heap.Arena = SharedArena
    reduction.register(SharedArena, _reduce_arena)
    # A synchronized Value's lock is shown as the Value ("waiting on Value#2").
    for name in ("Value", "Array"):
        setattr(sharedctypes, name, ipcnames.constructor(name, getattr(sharedctypes, name)))
