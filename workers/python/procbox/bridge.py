"""The one way from the Python layer into its process worker.

Every member is typed in workers/protocol/layer.ts, and tests/python/test_layer_calls.py checks
each use below ``procbox/`` against those types (their names and arities are generated into
``constants.py``), so a misspelt name fails a test, not a program.

- ``call(name, *args)`` makes one of the worker's asynchronous ``LayerCalls``. Only the calling
  green thread waits. When the reply is there, the handlers of signals that came meanwhile run
  (in the main thread, as CPython runs them), then it returns ``(value, errno)``: errno is None
  on success, else Linux's number.
- ``sync`` is the worker's ``LayerBridge``, whose members answer at once:
  ``bridge.sync.fdReserve("rw")``, ``bridge.sync.pid``. It is None until the process starts
  (and so in the memory snapshot, which must hold no JavaScript object).
- ``ask(name, *args)`` is ``call`` raising the OSError CPython raises for a failure;
  ``checked(value)`` does the same for a ``sync`` member's answer (the network's calls).
"""

from . import green, signals
from .errors import error

sync = None


def bind(worker):
    """Connects the layer to its worker (once, before user code)."""
    global sync
    sync = worker
    green.bind(worker, signals.check)


def bound():
    """Whether the process has started (False while the snapshot is made, and in tests)."""
    return sync is not None


def errno_of(result):
    """The errno of a ``SysError`` reply, or None for a plain value."""
    if result is None or isinstance(result, (int, float, str)):
        return None
    return getattr(result, "errno", None)


def call(name, *args):
    """Parks the calling thread on the worker's call ``name``; returns ``(value, errno)``."""
    result = green.wait_call(name, *args)
    signals.check()
    return result, errno_of(result)


def ask(name, *args):
    """``call``, but a failure raises the OSError CPython on Linux raises for its errno."""
    result, code = call(name, *args)
    if code is not None:
        raise error(code)
    return result


def checked(result):
    """A ``sync`` member's answer, or the OSError CPython on Linux raises for its errno."""
    code = errno_of(result)
    if code is not None:
        raise error(code)
    return result
