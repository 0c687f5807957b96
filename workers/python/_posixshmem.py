"""Procbox's stand-in for CPython's C module ``_posixshmem``, as glibc does it: a POSIX shared
memory object is a file in ``/dev/shm``, here on the volume every process mounts, so
``multiprocessing.shared_memory`` runs unchanged (the mapping: procbox/files.py)."""

import os

_DIR = "/dev/shm/"


def _path(name):
    stripped = name.lstrip("/")
    if not stripped or "/" in stripped or stripped in (".", ".."):
        raise OSError(22, os.strerror(22), name)
    return _DIR + stripped


def shm_open(path, flags, mode=0o777):
    try:
        return os.open(_path(path), flags | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    except OSError as e:
        raise type(e)(e.errno, e.strerror, path) from None


def shm_unlink(path):
    try:
        os.unlink(_path(path))
    except OSError as e:
        raise type(e)(e.errno, e.strerror, path) from None
