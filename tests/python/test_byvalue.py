"""procbox/byvalue.py: the 'fork' start method's pickling, where ``__main__`` travels by value.

Each test defines its program in a fresh ``types.ModuleType('__main__')`` (the parent's), then
moves the objects to another fresh ``__main__`` (the child's) the way a fork child gets them:
``ForkPopen._launch`` (popen.py) pickles ``(main_snapshot(), process_obj)`` with this pickler,
and ``run_fork_child`` (main.py) makes a new ``__main__``, loads the pickle with plain
``pickle.load`` and puts the snapshot into the new module.
"""

import _thread
import builtins
import ctypes
import io
import json
import os
import pickle
import sys
import textwrap
import types
import unittest
from collections import OrderedDict
from unittest import mock

from layer import layer_multiprocessing

from procbox import bridge, byvalue, locks

# After layer: a first import of multiprocessing.synchronize binds the layer's
# _multiprocessing, as in a Procbox process (the tests below do not count on it).
from multiprocessing import synchronize
from multiprocessing.reduction import ForkingPickler


def _new_main():
    """A ``__main__`` as ``main._new_main`` makes one."""
    main = types.ModuleType("__main__")
    main.__builtins__ = builtins
    main.__spec__ = None
    sys.modules["__main__"] = main
    return main


class ForkTestCase(unittest.TestCase):
    def setUp(self):
        saved = sys.modules["__main__"]
        self.addCleanup(sys.modules.__setitem__, "__main__", saved)
        self.parent = _new_main()

    def define(self, source):
        """Runs ``source`` as the parent's main script."""
        exec(compile(textwrap.dedent(source), "<main>", "exec"), self.parent.__dict__)
        return self.parent

    def fork(self, obj):
        """``obj`` as a fork child receives its process object, with the snapshot of
        ``__main__`` first; returns (the child's ``__main__``, the copy of ``obj``)."""
        header = {"main_file": None, "argv": list(sys.argv), "path": list(sys.path)}
        payload = pickle.dumps(header) + byvalue.dumps((byvalue.main_snapshot(), obj))
        stream = io.BytesIO(payload)
        pickle.load(stream)
        child = _new_main()
        main_globals, copy = pickle.load(stream)
        child.__dict__.update(main_globals)
        return child, copy

    def send(self, obj):
        """``obj`` alone, pickled by value and loaded in a fresh ``__main__`` (no snapshot):
        what it needs must travel with it."""
        data = byvalue.dumps(obj)
        child = _new_main()
        return child, pickle.loads(data)


class FunctionTest(ForkTestCase):
    def test_function_travels_with_the_globals_it_uses(self):
        parent = self.define("""
            import math
            SCALE = 3
            unused = (n for n in range(3))  # a generator: it does not pickle

            def helper(x):
                return x * SCALE

            def work(x):
                return helper(x) + math.floor(2.5)
        """)
        child, work = self.send(parent.work)
        self.assertIsNot(work, parent.work)
        self.assertEqual(work(5), 17)
        self.assertIs(work.__globals__, child.__dict__)
        self.assertEqual(work.__module__, "__main__")
        self.assertEqual((child.SCALE, child.math), (3, sys.modules["math"]))
        self.assertIsNot(child.helper, parent.helper)
        self.assertNotIn("unused", child.__dict__)

    def test_globals_are_as_at_pickling(self):
        parent = self.define("""
            LIMIT = 1
            seen = []

            def report():
                return LIMIT, list(seen)
        """)
        parent.LIMIT = 2
        parent.seen.append("before")
        data = byvalue.dumps(parent.report)
        parent.LIMIT = 3
        parent.seen.append("after")
        _new_main()
        report = pickle.loads(data)
        self.assertEqual(report(), (2, ["before"]))
        self.assertEqual(parent.report(), (3, ["before", "after"]))

    def test_recursive_function(self):
        parent = self.define("""
            def fact(n):
                return 1 if n <= 1 else n * fact(n - 1)

            def is_even(n):
                return True if n == 0 else is_odd(n - 1)

            def is_odd(n):
                return False if n == 0 else is_even(n - 1)
        """)
        child, (fact, is_even) = self.send((parent.fact, parent.is_even))
        self.assertEqual(fact(10), 3628800)
        self.assertIs(child.fact, fact)
        self.assertTrue(is_even(10))
        self.assertIs(child.is_odd.__globals__["is_even"], is_even)

    def test_names_used_only_in_nested_code_travel_too(self):
        parent = self.define("""
            OFFSET = 10

            def double(x):
                return 2 * x

            def work(n):
                def inner():
                    return OFFSET
                return [double(i) for i in range(n)], inner(), (lambda: OFFSET + 1)()
        """)
        _, work = self.send(parent.work)
        self.assertEqual(work(3), ([0, 2, 4], 10, 11))

    def test_closure(self):
        parent = self.define("""
            def make_counter(start):
                count = start
                def step():
                    nonlocal count
                    count += 1
                    return count
                return step

            def make_fib():
                def fib(n):
                    return n if n < 2 else fib(n - 1) + fib(n - 2)
                return fib
        """)
        counter = parent.make_counter(10)
        counter()
        _, (copy, fib) = self.send((counter, parent.make_fib()))
        self.assertEqual(copy(), 12)  # the count as it was: 11
        self.assertEqual(copy(), 13)
        self.assertEqual(counter(), 12)  # the parent's cell is its own
        self.assertEqual(fib(15), 610)  # a cell holding the function itself

    def test_empty_cell_stays_empty(self):
        parent = self.define("""
            def make():
                def get():
                    return value
                return get
                value = 1  # never runs
        """)
        _, get = self.send(parent.make())
        with self.assertRaises(NameError):
            get()

    def test_defaults_attributes_and_names(self):
        parent = self.define("""
            class Box:
                def __init__(self, v):
                    self.v = v

            def outer():
                def configure(a, b=[1, 2], *, box=Box(7), flag=True):
                    "Configures."
                    return a, b, box.v, flag
                return configure
        """)
        configure = parent.outer()
        configure.tag = "tagged"
        _, copy = self.send(configure)
        self.assertEqual(copy(0), (0, [1, 2], 7, True))
        self.assertEqual(copy(0, flag=False), (0, [1, 2], 7, False))
        self.assertEqual(copy.__defaults__, ([1, 2],))
        self.assertEqual(set(copy.__kwdefaults__), {"box", "flag"})
        self.assertEqual(copy.tag, "tagged")
        self.assertEqual(copy.__name__, "configure")
        self.assertEqual(copy.__qualname__, "outer.<locals>.configure")
        self.assertEqual(copy.__doc__, "Configures.")

    def test_lambda_and_generator_function(self):
        parent = self.define("""
            FACTOR = 4
            square = lambda x: x * x * FACTOR

            def countdown(n):
                while n:
                    yield n
                    n -= 1
        """)
        _, (square, countdown) = self.send((parent.square, parent.countdown))
        self.assertEqual(square(3), 36)
        self.assertEqual(square.__name__, "<lambda>")
        self.assertEqual(list(countdown(3)), [3, 2, 1])

    def test_decorated_function_keeps_the_wrapped_names(self):
        parent = self.define("""
            import functools

            def logged(func):
                @functools.wraps(func)
                def wrapper(*args):
                    return ("logged", func(*args))
                return wrapper

            @logged
            def work(x):
                "Works."
                return x + 1
        """)
        _, work = self.send(parent.work)
        self.assertEqual(work(1), ("logged", 2))
        self.assertEqual((work.__name__, work.__qualname__, work.__doc__),
                         ("work", "work", "Works."))
        self.assertEqual(work.__wrapped__(1), 2)

    def test_mp_main_travels_by_value(self):
        # multiprocessing's spawn children run the main script as __mp_main__.
        namespace = {"__name__": "__mp_main__", "__builtins__": builtins}
        exec("BASE = 5\ndef add(x):\n    return BASE + x\n", namespace)
        child, add = self.send(namespace["add"])
        self.assertEqual(add(1), 6)
        self.assertEqual(add.__module__, "__main__")
        self.assertEqual(child.BASE, 5)

    def test_everything_else_pickles_by_reference(self):
        for obj in (os, os.path, json, json.dumps, OrderedDict, len):
            with self.subTest(obj=obj):
                data = byvalue.dumps(obj)
                self.assertLess(len(data), 80)  # a name, not code
                self.assertIs(pickle.loads(data), obj)
        data = {"a": [1, 2.5, None], "b": ("x", b"y")}
        self.assertEqual(pickle.loads(byvalue.dumps(data)), data)


class ClassTest(ForkTestCase):
    def test_class_whose_methods_name_it(self):
        parent = self.define('''
            class Point:
                """A point."""
                dims = 2

                def __init__(self, x, y):
                    self.x, self.y = x, y

                def moved(self, dx):
                    return Point(self.x + dx, self.y)

                @classmethod
                def origin(cls):
                    return cls(0, 0)

                @staticmethod
                def norm1(x, y):
                    return abs(x) + abs(y)

                def _total(self):
                    "getter"
                    return self.x + self.y

                total = property(_total, doc="x plus y")

                def __eq__(self, other):
                    return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)

                __hash__ = None
        ''')
        child, Point = self.send(parent.Point)
        self.assertIsNot(Point, parent.Point)
        self.assertIs(child.Point, Point)  # what its methods name
        p = Point(1, 2).moved(3)
        self.assertIs(type(p), Point)
        self.assertEqual((p.x, p.y, p.total), (4, 2, 6))
        self.assertEqual(p, Point(4, 2))
        self.assertIs(type(Point.origin()), Point)
        self.assertEqual(Point.norm1(-1, 2), 3)
        self.assertEqual(Point.total.__doc__, "x plus y")
        self.assertEqual((Point.__doc__, Point.dims), ("A point.", 2))
        self.assertEqual((Point.__module__, Point.__qualname__), ("__main__", "Point"))
        self.assertIsNone(Point.__hash__)

    def test_instances_bring_their_class(self):
        parent = self.define("""
            class Node:
                def __init__(self, value, children=()):
                    self.value, self.children = value, list(children)

                def total(self):
                    return self.value + sum(c.total() for c in self.children)
        """)
        tree = parent.Node(1, [parent.Node(2), parent.Node(3, [parent.Node(4)])])
        _, (Node, copy) = self.send((parent.Node, tree))
        self.assertIs(type(copy), Node)
        self.assertIs(type(copy.children[1].children[0]), Node)
        self.assertEqual(copy.total(), 10)

    def test_subclass_with_zero_argument_super(self):
        parent = self.define("""
            class Base:
                def __init__(self):
                    self.log = ["base"]

            class Derived(Base):
                def __init__(self):
                    super().__init__()
                    self.log.append("derived")
        """)
        child, Derived = self.send(parent.Derived)
        self.assertEqual(Derived().log, ["base", "derived"])
        self.assertIs(Derived.__mro__[1], child.__dict__.get("Base", Derived.__mro__[1]))
        self.assertIsNot(Derived.__mro__[1], parent.Base)
        self.assertIsInstance(Derived(), Derived.__mro__[1])

    def test_slots_metaclass_and_ctypes_structure(self):
        parent = self.define("""
            import ctypes

            class Tagged(type):
                def describe(cls):
                    return "tagged " + cls.__name__

            class Pair(metaclass=Tagged):
                __slots__ = ("a", "b")

                def __init__(self, a, b):
                    self.a, self.b = a, b

            class Vec(ctypes.Structure):
                _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int)]

            pair = Pair(1, 2)
            vec = Vec(3, 4)
        """)
        _, (Pair, pair, Vec, vec) = self.send((parent.Pair, parent.pair, parent.Vec, parent.vec))
        self.assertEqual(Pair.describe(), "tagged Pair")
        self.assertIsNot(type(Pair), parent.Tagged)
        self.assertIs(type(pair), Pair)
        self.assertEqual((pair.a, pair.b), (1, 2))
        with self.assertRaises(AttributeError):
            pair.c = 3  # still slotted
        self.assertIs(type(vec), Vec)
        self.assertEqual((vec.x, vec.y, Vec(5, 6).y), (3, 4, 6))
        self.assertEqual(ctypes.sizeof(Vec), 2 * ctypes.sizeof(ctypes.c_int))


    def test_class_made_in_a_function(self):
        parent = self.define("""
            def make(base):
                class Local(base):
                    def twice(self):
                        return self * 2
                return Local
        """)
        _, Local = self.send(parent.make(int))
        self.assertEqual(Local(21).twice(), 42)
        self.assertEqual((Local.__name__, Local.__qualname__), ("Local", "make.<locals>.Local"))

    def test_annotations_travel(self):
        # Python 3.14 (Pyodide's) makes a class's annotations on demand, with a function that
        # does not pickle; 3.11 keeps them as a dict.
        parent = self.define("""
            class Config:
                name: str
                retries: int = 3
        """)
        _, Config = self.send(parent.Config)
        self.assertEqual(Config.__annotations__, {"name": str, "retries": int})
        self.assertEqual(Config.retries, 3)


class EnumTest(ForkTestCase):
    SOURCE = """
        import enum

        class Color(enum.Enum):
            "Colours."
            RED = 1
            GREEN = 2
            CRIMSON = 1  # an alias

            def next(self):
                return Color(self.value % 2 + 1)

            @classmethod
            def default(cls):
                return cls.RED

            def __str__(self):
                return "colour " + self.name

        class Perm(enum.IntFlag):
            R = 4
            W = 2
            X = 1

        class Planet(enum.Enum):
            EARTH = (5.976e24, 6.37814e6)

            def __init__(self, mass, radius):
                self.mass, self.radius = mass, radius

        class Shade(str, enum.Enum):
            DARK = "d"
            LIGHT = "l"

            def __str__(self):  # over the one Enum puts over str's
                return "shade " + self.value

            @classmethod
            def _missing_(cls, value):
                return cls.DARK

        favourite = Color.GREEN
        read_write = Perm.R | Perm.W
    """

    def test_enum_classes_and_members(self):
        parent = self.define(self.SOURCE)
        names = ("Color", "favourite", "Perm", "read_write", "Planet", "Shade")
        child, copies = self.send(tuple(getattr(parent, name) for name in names))
        Color, favourite, Perm, read_write, Planet, Shade = copies
        self.assertIsNot(Color, parent.Color)
        self.assertEqual([m.name for m in Color], ["RED", "GREEN"])
        self.assertIs(Color.CRIMSON, Color.RED)
        self.assertIs(favourite, Color.GREEN)
        self.assertIs(Color(1), Color.RED)
        self.assertIs(favourite.next(), Color.RED)  # a method that names its class
        self.assertIs(Color.default(), Color.RED)
        self.assertEqual(str(Color.RED), "colour RED")
        self.assertEqual((Color.__doc__, Color.__module__), ("Colours.", "__main__"))
        self.assertIs(type(read_write), Perm)
        self.assertEqual((int(read_write), Perm(5)), (6, Perm.R | Perm.X))
        self.assertEqual((Planet.EARTH.mass, Planet.EARTH.radius), (5.976e24, 6.37814e6))
        self.assertIs(Shade("d"), Shade.DARK)
        self.assertIsInstance(Shade.LIGHT, str)
        self.assertEqual(str(Shade.LIGHT), "shade l")
        self.assertIs(Shade("unknown"), Shade.DARK)

    def test_fork_child_of_a_program_with_an_enum(self):
        # The enum is in the snapshot even when the process's target never uses it.
        parent = self.define(self.SOURCE + """
        def work():
            return 42
        """)
        child, work = self.fork(parent.work)
        self.assertEqual(work(), 42)
        self.assertIs(child.favourite, child.Color.GREEN)


class DataclassTest(ForkTestCase):
    def test_dataclass_and_its_fields(self):
        parent = self.define("""
            import dataclasses
            from dataclasses import dataclass, field
            from typing import ClassVar

            @dataclass(order=True)
            class Job:
                "A job."
                name: str
                size: int = 1
                tags: list = field(default_factory=list, metadata={"unit": "none"})
                total: ClassVar[int] = 0

                def doubled(self):
                    return Job(self.name, self.size * 2)

            @dataclass(frozen=True)
            class Point:
                x: int
                y: int = 0

            job = Job("a", 2)
        """)
        _, (Job, job, Point) = self.send((parent.Job, parent.job, parent.Point))
        import dataclasses

        self.assertIs(type(job), Job)
        self.assertEqual(job, Job("a", 2))
        self.assertEqual(repr(job.doubled()), "Job(name='a', size=4, tags=[])")
        self.assertLess(job, Job("b"))
        self.assertEqual(Job("c").tags, [])
        self.assertIsNot(Job("c").tags, Job("c").tags)  # the default factory
        self.assertEqual([f.name for f in dataclasses.fields(Job)], ["name", "size", "tags"])
        self.assertEqual(dataclasses.fields(Job)[2].metadata, {"unit": "none"})
        self.assertIs(dataclasses.fields(Job)[0].default, dataclasses.MISSING)
        self.assertEqual(dataclasses.asdict(job), {"name": "a", "size": 2, "tags": []})
        self.assertEqual(dataclasses.replace(job, size=5).size, 5)
        self.assertEqual(hash(Point(1)), hash(Point(1, 0)))
        with self.assertRaises(dataclasses.FrozenInstanceError):
            Point(1).x = 2


class SnapshotTest(ForkTestCase):
    def test_snapshot_holds_what_pickles(self):
        parent = self.define("""
            import threading
            COUNT = 3
            names = ["a", "b"]
            stream = (n for n in names)  # a generator does not pickle
            worker = threading.Thread(target=print)  # nor does a thread

            def f(x):
                return x + COUNT
        """)
        snapshot = byvalue.main_snapshot()
        self.assertEqual(set(snapshot), {"threading", "COUNT", "names", "f"})
        self.assertIs(snapshot["f"], parent.f)

    def test_fork_child_gets_main_and_later_messages_name_it(self):
        parent = self.define("""
            TASKS = []

            def task(x):
                TASKS.append(x)
                return x * 2
        """)
        parent.TASKS.append(0)
        child, target = self.fork(parent.task)
        self.assertIs(child.task, target)  # one function, from the snapshot
        self.assertEqual(child.TASKS, [0])
        # A Pool task names its function by reference (pickled in the parent, where
        # ``__main__`` is the parent's): the child's ``__main__`` has it.
        sys.modules["__main__"] = parent
        by_name = ForkingPickler.dumps(parent.task)
        sys.modules["__main__"] = child
        self.assertIs(pickle.loads(by_name), target)
        self.assertEqual(target(4), 8)
        self.assertEqual((child.TASKS, parent.TASKS), ([0, 4], [0]))


class LockTest(ForkTestCase):
    def test_thread_lock_is_copied_in_its_state(self):
        held, free = locks.LockType(), locks.LockType()
        held.acquire()
        with self.assertRaises(TypeError):
            pickle.dumps(held)  # only this pickler, standing in for fork, copies locks
        _, (held_copy, free_copy) = self.send((held, free))
        self.assertIsInstance(held_copy, locks.LockType)
        self.assertIsNot(held_copy, held)
        self.assertTrue(held_copy.locked())
        self.assertFalse(free_copy.locked())
        held_copy.release()
        self.assertTrue(held.locked())  # the parent's lock is its own

    def test_rlock_is_a_new_rlock(self):
        rlock = locks.RLock()
        rlock.acquire()
        # In a Procbox process the layer's RLock is _thread.RLock (threads.install()).
        with mock.patch.object(_thread, "RLock", locks.RLock):
            _, copy = self.send(rlock)
        self.assertIsInstance(copy, locks.RLock)
        self.assertIsNot(copy, rlock)
        self.assertFalse(copy.locked())

    def test_multiprocessing_lock_is_the_same_kernel_semaphore(self):
        import multiprocessing

        calls = []

        def kernel_call(name, *args):
            calls.append(name)
            return (41, None) if name == "semCreate" else (None, None)

        layer_module = layer_multiprocessing()
        with mock.patch.dict(sys.modules, {"_multiprocessing": layer_module}), \
                mock.patch.object(synchronize, "_multiprocessing", layer_module), \
                mock.patch.object(bridge, "call", kernel_call):
            lock = multiprocessing.get_context("fork").Lock()
            self.assertEqual(calls, ["semCreate"])
            with self.assertRaises(RuntimeError):
                ForkingPickler.dumps(lock)  # CPython's pickling refuses a fork-context lock
            _, copy = self.send(lock)
        self.assertIsInstance(copy._semlock, layer_module.SemLock)
        self.assertEqual(calls, ["semCreate"])  # inherited, not opened again
        self.assertIs(type(copy), synchronize.Lock)
        self.assertIsNot(copy._semlock, lock._semlock)
        for name in ("handle", "kind", "maxvalue", "name"):
            self.assertEqual(getattr(copy._semlock, name), getattr(lock._semlock, name))
        self.assertEqual(copy._semlock.handle, 41)
        # Its methods are bound to its own SemLock, as _make_methods binds them.
        self.assertIs(copy.acquire.__self__, copy._semlock)
        self.assertIs(copy.release.__self__, copy._semlock)


if __name__ == "__main__":
    unittest.main()
