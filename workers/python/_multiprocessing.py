"""Procbox's stand-in for CPython's C module ``_multiprocessing``.

``multiprocessing.resource_tracker`` imports it in every spawned child. SemLock, the kernel
semaphore behind Lock, Semaphore and Queue, is not here yet: without it, ``synchronize.py``
raises CPython's own ImportError for platforms that lack semaphores. With no named
semaphores there is nothing to unlink either, so ``sem_unlink`` is absent too, as CPython allows.
"""

flags = {}
