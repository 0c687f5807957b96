"""``_thread._local`` (``threading.local``) for green threads.

Every green thread is a Pyodide task with its own thread state, but they all share one thread
dict, so the C implementation would give every thread the same attributes. Here each thread's
attributes live in a dict of their own, found from ``green.current()`` on every access; no
dict is ever swapped in, so a thread switch in the middle of an access cannot mix them up.
"""

import weakref

from . import green

_get = object.__getattribute__
_set = object.__setattr__
_del = object.__delattr__


def _thread_dict(self):
    thread = green.current()
    dicts = _get(self, "_local__dicts")
    found = dicts.get(thread)
    if found is None:
        found = dicts[thread] = {}
        args, kwargs = _get(self, "_local__args")
        init = type(self).__init__
        if init is not object.__init__:
            init(self, *args, **kwargs)  # as in CPython: once per thread, with the same arguments
    return found


def _data_descriptor(self, name):
    for klass in type(self).__mro__:
        attr = klass.__dict__.get(name)
        if attr is not None:
            return hasattr(type(attr), "__set__") or hasattr(type(attr), "__delete__")
    return False


class _local:
    """Thread-local data."""

    __slots__ = ("_local__dicts", "_local__args", "__weakref__")

    def __new__(cls, /, *args, **kwargs):
        if (args or kwargs) and cls.__init__ is object.__init__:
            raise TypeError("Initialization arguments are not supported")
        self = object.__new__(cls)
        _set(self, "_local__args", (args, kwargs))
        _set(self, "_local__dicts", weakref.WeakKeyDictionary())
        _get(self, "_local__dicts")[green.current()] = {}  # type() runs __init__ here
        return self

    def __getattribute__(self, name):
        if name == "__dict__":
            return _thread_dict(self)
        if name in ("_local__dicts", "_local__args", "__class__"):
            return _get(self, name)
        values = _thread_dict(self)
        if name in values and not _data_descriptor(self, name):
            return values[name]
        try:
            return _get(self, name)
        except AttributeError:
            raise AttributeError(
                f"'{type(self).__name__}' object has no attribute '{name}'"
            ) from None

    def __setattr__(self, name, value):
        if name == "__dict__":
            raise AttributeError(f"'{type(self).__name__}' object attribute '__dict__' is read-only")
        if _data_descriptor(self, name):
            return _set(self, name, value)
        _thread_dict(self)[name] = value

    def __delattr__(self, name):
        if name == "__dict__":
            raise AttributeError(f"'{type(self).__name__}' object attribute '__dict__' is read-only")
        if _data_descriptor(self, name):
            return _del(self, name)
        values = _thread_dict(self)
        if name not in values:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        del values[name]


_local.__module__ = "_thread"
