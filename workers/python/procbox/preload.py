"""Imported once before the memory snapshot is taken, so every process starts with these
modules already loaded instead of importing them at each start."""

# OSError(111, ...) is a ConnectionRefusedError, as on Linux.
import procbox.errors

procbox.errors.install()

# Green threads first: every module below must see the replaced _thread.
import procbox.threads

procbox.threads.install()

# Kernel calls and pipes next: multiprocessing binds some os functions when it loads
# (util.Finalize binds os.getpid; connection binds os.read and os.write).
import procbox.fds
import procbox.oscalls

procbox.oscalls.install()
procbox.fds.install()

# Sockets before multiprocessing.reduction registers its reducer for socket.socket.
import procbox.netsocket

procbox.netsocket.install()

# asyncio.run on CPython's selector loop, not Pyodide's WebLoop.
import procbox.eventloop

procbox.eventloop.install()

import multiprocessing  # noqa: F401
import multiprocessing.connection  # noqa: F401
import multiprocessing.context  # noqa: F401
import multiprocessing.pool  # noqa: F401
import multiprocessing.queues  # noqa: F401
import multiprocessing.synchronize  # noqa: F401
import multiprocessing.popen_fork  # noqa: F401
import multiprocessing.popen_spawn_posix  # noqa: F401
import multiprocessing.process  # noqa: F401
import multiprocessing.reduction  # noqa: F401
import multiprocessing.spawn  # noqa: F401
import multiprocessing.util  # noqa: F401
import pickle  # noqa: F401
import subprocess  # noqa: F401
import random  # noqa: F401
import runpy  # noqa: F401
import threading  # noqa: F401
import traceback  # noqa: F401

import concurrent.futures.thread  # noqa: F401
import queue  # noqa: F401

# What multiprocessing.heap needs; heap itself asks for the pid as it loads, so procbox.shm
# imports it at start.
import ctypes  # noqa: F401
import mmap  # noqa: F401
import tempfile  # noqa: F401

import procbox.shm

procbox.shm.distinct_c_int()

# flock, lockf and shared mmap between processes (multiprocessing.shared_memory maps with it).
import procbox.files

procbox.files.install()

import procbox.ipcnames
import procbox.tracker

procbox.tracker.install()
procbox.ipcnames.install()

import procbox.main  # noqa: F401

# What the imports left unreachable goes now, so that the worker zeroes its memory before the
# snapshot is taken (runtime/free-chunks.ts) and no process pays a page for it.
import gc

gc.collect()
