"""multiprocessing's Popen classes on kernel processes.

CPython's ``popen_fork.Popen`` already polls through ``os.waitpid`` and signals through
``os.kill``, both served by the kernel here, so only launching and waiting with a timeout differ.
"""

import io
import os
import pickle
import select
import sys

from multiprocessing import context, popen_fork, popen_forkserver, popen_spawn_posix, spawn, util
from multiprocessing.context import reduction, set_spawning_popen

from . import forking, kernel


class KernelPopen(popen_fork.Popen):
    def poll(self, flag=os.WNOHANG):
        # multiprocessing polls every child it started at each start() (process._cleanup). The
        # child's exit sentinel reaches end of file only when the child has ended (its one
        # writer is the child itself, let go as it exits): while it is open, the child runs,
        # and the answer needs no kernel call.
        if self.returncode is None and flag == os.WNOHANG and self._sentinel_open():
            return None
        return super().poll(flag)

    def _sentinel_open(self):
        if self.sentinel is None:
            return False
        try:
            return not select.select([self.sentinel], [], [], 0)[0]
        except (OSError, ValueError):
            return False

    def wait(self, timeout=None):
        if self.returncode is None:
            code = kernel.waitpid(self.pid, timeout)
            if code is None:
                return None
            self.returncode = code
        return self.returncode

    def _start(self, process_obj, payload, pass_fds=()):
        self.pid, self.sentinel = kernel.spawn(process_obj.name, self.method, payload, pass_fds)
        if self.sentinel is not None:
            self.finalizer = util.Finalize(self, util.close_fds, (self.sentinel,))


class ForkPopen(KernelPopen):
    """'fork': the child starts from a copy of this whole process (procbox/forking.py)."""

    method = "fork"
    # The child inherits every kernel descriptor at its number, as fork(2) copies the table.
    DupFd = popen_spawn_posix._DupFd

    def _launch(self, process_obj):
        forking.capture(process_obj)
        self._start(process_obj, b"")


class SpawnPopen(KernelPopen):
    """'spawn': exactly CPython's preparation data and pickles; the child re-imports main."""

    method = "spawn"
    DupFd = popen_spawn_posix._DupFd

    def __init__(self, process_obj):
        self._fds = []
        super().__init__(process_obj)

    def duplicate_for_child(self, fd):
        self._fds.append(fd)
        return fd

    def _launch(self, process_obj):
        prep_data = spawn.get_preparation_data(process_obj._name)
        buffer = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buffer)
            reduction.dump(process_obj, buffer)
        finally:
            set_spawning_popen(None)
        self._start(process_obj, buffer.getvalue(), self._fds)


class ForkServerPopen(SpawnPopen):
    """'forkserver' (Linux's default since 3.14): the child starts as a spawned one does, from
    the same preparation data and pickles. There is no server process to fork from: see the
    README (Limits) for what differs."""


def install(start_method):
    """Makes every start method launch kernel processes; sets the run's default method."""
    popen_fork.Popen = ForkPopen
    popen_spawn_posix.Popen = SpawnPopen
    popen_forkserver.Popen = ForkServerPopen
    # multiprocessing's module functions (Pool, get_start_method, ...) are bound to this one
    # DefaultContext object when the package loads, so change its default rather than replace it.
    default = context._default_context
    default._default_context = context._concrete_contexts[start_method]
    default._actual_context = None
