"""Pickling for the 'fork' start method: ``__main__`` travels by value.

A real fork gives the child a copy of the parent's memory, so the child never re-runs the main
script. A browser cannot copy a running interpreter, so ``Process.start()`` pickles the process
object with this pickler instead: functions and classes defined in ``__main__`` are sent as code
and state, together with the ``__main__`` globals they use, as the parent has them at ``start()``.
Everything else pickles as usual (modules by name, kernel objects by handle).

Objects are rebuilt in two steps, a skeleton and then its state, so that recursive functions and
classes whose methods name the class pickle without endless recursion.
"""

import builtins
import ctypes
import enum
import importlib
import io
import marshal
import sys
import types

from multiprocessing import shared_memory
from multiprocessing.reduction import ForkingPickler
from multiprocessing.synchronize import SemLock as _SemLock

from . import forkfiles, locks

_MAIN_MODULES = ("__main__", "__mp_main__")


def _main_globals():
    """The child's ``__main__`` namespace, where rebuilt functions live."""
    return sys.modules["__main__"].__dict__


def _global_names(code):
    """Names a code object (and the code nested in it) may look up in its globals."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def _make_function(code_bytes, name, cell_count):
    cells = tuple(types.CellType() for _ in range(cell_count))
    return types.FunctionType(marshal.loads(code_bytes), _main_globals(), name, None, cells)


def _set_function_state(func, state):
    used_globals, defaults, kwdefaults, qualname, doc, attrs, cell_values = state
    func.__globals__.update(used_globals)
    func.__defaults__ = defaults
    func.__kwdefaults__ = kwdefaults
    func.__qualname__ = qualname
    func.__doc__ = doc  # not always the code's own (functools.wraps)
    func.__module__ = "__main__"
    func.__dict__.update(attrs)
    for cell, (filled, value) in zip(func.__closure__ or (), cell_values):
        if filled:
            cell.cell_contents = value


def _reduce_function(func):
    used_globals = {}
    for name in _global_names(func.__code__):
        if name in func.__globals__ and name != "__builtins__":
            used_globals[name] = func.__globals__[name]
    cell_values = []
    for cell in func.__closure__ or ():
        try:
            cell_values.append((True, cell.cell_contents))
        except ValueError:  # an empty cell: the variable was not assigned yet
            cell_values.append((False, None))
    state = (
        used_globals,
        func.__defaults__,
        func.__kwdefaults__,
        func.__qualname__,
        func.__doc__,
        dict(func.__dict__),
        cell_values,
    )
    skeleton = (marshal.dumps(func.__code__), func.__name__, len(cell_values))
    return _make_function, skeleton, state, None, None, _set_function_state


def _make_class(metaclass, name, bases, qualname, slots):
    # No metaclass means the one the bases imply, which may not pickle by name (ctypes').
    # Slots exist only if they are in the namespace the class is made from.
    body = None if slots is None else (lambda namespace: namespace.update(__slots__=slots))
    kwds = {} if metaclass is None else {"metaclass": metaclass}
    cls = types.new_class(name, bases, kwds, body)
    cls.__module__ = "__main__"
    cls.__qualname__ = qualname
    return cls


def _set_class_state(cls, attrs):
    for key, value in attrs.items():
        setattr(cls, key, value)


def _make_enum(metaclass, name, bases, qualname, members):
    """An Enum gets its members as it is made: none can be added to it afterwards. They are
    made from their values; what a custom ``__init__`` set on them comes with the state."""
    namespace = metaclass.__prepare__(name, bases)
    namespace["__module__"], namespace["__qualname__"] = "__main__", qualname
    for key, value in members:
        namespace[key] = value
    return metaclass(name, bases, namespace)


def _set_enum_state(cls, state):
    attrs, members = state
    # What the metaclass made again (the members, its tables, Enum's __str__ over a mixin's)
    # stays; what the class's body defined comes now.
    for key, value in attrs.items():
        if key not in cls.__members__ and (
            key == "__doc__" or key not in vars(cls) or _is_main(getattr(value, "__func__", value))
        ):
            setattr(cls, key, value)
    for name, member_state in members:
        vars(cls[name]).update(member_state)  # what a custom __init__ set


# 3.14 makes a class's annotations on demand, with a function that does not pickle (it holds
# the class's namespace): the class travels with the annotations themselves instead.
_CLASS_SKIP = {"__dict__", "__weakref__", "__module__", "__qualname__", "__doc__",
               "__annotate_func__", "__annotations_cache__"}
# Made again by the class itself: slots, and a ctypes Structure's fields (from ``_fields_``).
class _FieldProbe(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int)]


_DERIVED_ATTRIBUTES = (types.MemberDescriptorType, type(_FieldProbe.__dict__["x"]))


def _implied_metaclass(bases):
    """The metaclass ``class C(*bases)`` gets when it names none."""
    winner = type
    for base in bases:
        meta = type(base)
        if issubclass(meta, winner):
            winner = meta
    return winner


def _reduce_class(cls):
    attrs = {}
    for key, value in cls.__dict__.items():
        if key in _CLASS_SKIP or isinstance(value, _DERIVED_ATTRIBUTES):
            continue
        attrs[key] = value
    if cls.__doc__ is not None:
        attrs["__doc__"] = cls.__doc__
    if cls.__dict__.get("__annotate_func__") is not None:
        try:
            attrs["__annotations__"] = dict(cls.__annotations__)
        except Exception:  # a name not defined (yet): the child's class has none
            pass
    metaclass = type(cls)
    if isinstance(cls, enum.EnumType):
        members = cls.__members__.items()
        skeleton = (metaclass, cls.__name__, cls.__bases__, cls.__qualname__,
                    [(name, member._value_) for name, member in members])
        state = (attrs, [(name, dict(vars(member))) for name, member in members])
        return _make_enum, skeleton, state, None, None, _set_enum_state
    if metaclass is _implied_metaclass(cls.__bases__):
        metaclass = None
    skeleton = (metaclass, cls.__name__, cls.__bases__, cls.__qualname__,
                cls.__dict__.get("__slots__"))
    return _make_class, skeleton, attrs, None, None, _set_class_state


def _rebuild_semlock(cls, state):
    """A multiprocessing lock in a fork child: the same kernel semaphore, which the child
    inherited with the rest of its parent's semaphores."""
    import _multiprocessing

    obj = cls.__new__(cls)
    obj.__dict__.update(state)
    obj._semlock = _multiprocessing.SemLock._rebuild(*obj._semlock)
    obj._make_methods()
    return obj


def _reduce_semlock(obj):
    # CPython's __getstate__ refuses a fork-context lock: a real fork never pickles it.
    sl = obj._semlock
    state = {k: v for k, v in obj.__dict__.items() if k not in ("acquire", "release")}
    state["_semlock"] = (sl.handle, sl.kind, sl.maxvalue, sl.name)
    return _rebuild_semlock, (type(obj), state)


def _copy_lock(locked):
    """A thread lock in a fork child: a new lock in the state the parent's had, as fork copies
    memory. (Thread locks do not pickle; only this pickler, standing in for fork, copies them.)"""
    lock = locks.LockType()
    if locked:
        lock.acquire()
    return lock


def _mapping_proxy(mapping):
    return types.MappingProxyType(mapping)


# Sentinels a dataclass's fields are compared with by identity (``dataclasses.fields()``).
_DATACLASS_SENTINELS = ("MISSING", "KW_ONLY", "_FIELD", "_FIELD_CLASSVAR", "_FIELD_INITVAR",
                        "_HAS_DEFAULT_FACTORY")


def _dataclass_sentinel(obj):
    """``(getattr, (dataclasses, name))`` for one of its sentinels, else None."""
    dataclasses = sys.modules["dataclasses"]
    for name in _DATACLASS_SENTINELS:
        if getattr(dataclasses, name, None) is obj:
            return getattr, (dataclasses, name)
    return None


def _blank(cls):
    return cls.__new__(cls)


def _closed_shared_memory(name, size):
    shm = _blank(shared_memory.SharedMemory)
    shm._name, shm._size = name, size
    return shm


def _attach_shared_memory(name, size, full_name):
    try:
        return shared_memory.SharedMemory(name)
    except FileNotFoundError:  # unlinked while mapped: Linux's child keeps the pages, this cannot
        return _closed_shared_memory(full_name, size)


def _reduce_shared_memory(shm):
    """A forked child has the parent's blocks: an open one is attached again by name, and a
    closed one (perhaps unlinked already) stays closed, where CPython's pickle would attach."""
    if shm._buf is not None:
        return _attach_shared_memory, (shm.name, shm.size, shm._name)
    return _closed_shared_memory, (shm._name, shm._size)


def _reduce_shareable_list(shareable):
    if shareable.shm._buf is not None:
        return NotImplemented
    return _blank, (type(shareable),), dict(vars(shareable))


def _is_main(obj):
    return getattr(obj, "__module__", None) in _MAIN_MODULES


class MainByValuePickler(ForkingPickler):
    """ForkingPickler that sends what ``__main__`` defines as code, not as a name."""

    def reducer_override(self, obj):
        if isinstance(obj, types.FunctionType) and _is_main(obj):
            return _reduce_function(obj)
        if isinstance(obj, type) and _is_main(obj) and not _is_builtin_type(obj):
            return _reduce_class(obj)
        if isinstance(obj, types.ModuleType):
            return importlib.import_module, (obj.__name__,)
        if isinstance(obj, types.MappingProxyType):  # a dataclass field's metadata
            return _mapping_proxy, (dict(obj),)
        if type(obj).__module__ == "dataclasses":
            return _dataclass_sentinel(obj) or NotImplemented
        if isinstance(obj, staticmethod):
            return staticmethod, (obj.__func__,)
        if isinstance(obj, classmethod):
            return classmethod, (obj.__func__,)
        if isinstance(obj, property):
            return property, (obj.fget, obj.fset, obj.fdel, obj.__doc__)
        if isinstance(obj, _SemLock):
            return _reduce_semlock(obj)
        if isinstance(obj, locks.LockType):
            return _copy_lock, (obj.locked(),)
        if isinstance(obj, locks.RLock):
            return locks.RLock, ()
        if isinstance(obj, forkfiles.FILE_TYPES):
            return forkfiles.reduce_open_file(obj)
        if isinstance(obj, shared_memory.SharedMemory):
            return _reduce_shared_memory(obj)
        if isinstance(obj, shared_memory.ShareableList):
            return _reduce_shareable_list(obj)
        return NotImplemented


def _is_builtin_type(cls):
    return getattr(builtins, cls.__name__, None) is cls


def dumps(obj):
    buffer = io.BytesIO()
    MainByValuePickler(buffer, None).dump(obj)
    return buffer.getvalue()


def main_snapshot():
    """What a forked child's ``__main__`` holds: every global of the parent's ``__main__`` that
    pickles. A real fork copies them all, so later messages may name any of them (a Pool task
    names its function as ``__main__.f``). What cannot travel (a thread, a pool) is left
    out, as the one difference a learner could meet; an open file of the shared volume travels
    as its descriptor, which the child inherits."""
    snapshot = {}
    for name, value in list(_main_globals().items()):
        if name.startswith("__") and name.endswith("__"):
            continue
        try:
            dumps(value)
        except Exception:
            continue
        snapshot[name] = value
    return snapshot

