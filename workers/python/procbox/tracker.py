"""multiprocessing's resource tracker, served by the kernel.

CPython starts a tracker process that unlinks named semaphores and shared memory a crashed
program leaked. Here the kernel already releases everything a process held when it exits, so
registering with a tracker is a no-op and no tracker process is started.
"""

from multiprocessing import resource_tracker


def _nothing(*args, **kwargs):
    return None


def install():
    for name in ("ensure_running", "register", "unregister"):
        setattr(resource_tracker, name, _nothing)
    resource_tracker._resource_tracker.ensure_running = _nothing
    resource_tracker._resource_tracker.register = _nothing
    resource_tracker._resource_tracker.unregister = _nothing
