"""Procbox's stand-in for CPython's C module ``_posixshmem``.

``multiprocessing.resource_tracker`` imports it in every spawned child. Shared memory blocks
(``multiprocessing.shared_memory``) are not offered by the kernel yet, so both calls fail with
ENOSYS and a message that says so.
"""

import errno


def _unsupported(name):
    raise OSError(errno.ENOSYS, "POSIX shared memory is not available in Procbox yet", name)


def shm_open(path, flags, mode=0o777):
    _unsupported(path)


def shm_unlink(path):
    _unsupported(path)
