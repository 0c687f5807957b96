"""Every call the Python layer makes into its worker names a member of the worker's protocol
(workers/protocol/layer.ts) with an argument count that member accepts.

The protocol's names and arities come from ``procbox/constants.py``, which bin/gen-constants.mjs
writes from the TypeScript interfaces (a Vitest test keeps it fresh). The layer's uses are found
in its source:
- ``bridge.call("name", ...)``, ``bridge.ask("name", ...)`` and the scheduler's own
  ``wait_call("name", ...)`` make a ``LayerCalls`` call, whose name must be a string literal;
- ``sync.name`` and ``<anything>.sync.name`` reach a ``LayerBridge`` member, and calling it
  must pass as many arguments as the method takes;
- ``sync.tell("name", ...)`` makes a ``LayerCalls`` call nobody waits for: both of the above.
"""

import ast
import unittest

from layer import LAYER_ROOT, layer_sources

from procbox.constants import LAYER_BRIDGE, LAYER_CALLS

CALLERS = {"call", "ask", "wait_call"}


def _is_sync(node):
    """``sync`` or ``<expr>.sync``: the worker's bridge object."""
    return (isinstance(node, ast.Name) and node.id == "sync") or (
        isinstance(node, ast.Attribute) and node.attr == "sync"
    )


def _caller_name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and not _is_sync(func.value):
        # bridge.call / bridge.ask / self.wait_call / green.wait_call
        return func.attr
    return None


def _count(args):
    """(positional arguments, whether one is starred)."""
    return sum(not isinstance(a, ast.Starred) for a in args), any(
        isinstance(a, ast.Starred) for a in args
    )


def _arity_ok(arity, given, starred):
    fewest, most = arity
    if starred:
        return most is None or given <= most
    return given >= fewest and (most is None or given <= most)


def _forwarded(tree):
    """Calls inside the forwarders themselves (``def call(name, *args)`` passing ``name`` on)."""
    inside = set()
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef) and function.name in CALLERS:
            params = {arg.arg for arg in function.args.args}
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and node.args:
                    first = node.args[0]
                    if isinstance(first, ast.Name) and first.id in params:
                        inside.add(id(node))
    return inside


def find_uses(path, tree):
    """Yields (kind, name, arguments or None, starred, line) for each use."""
    called = set()
    forwarded = _forwarded(tree)
    for node in ast.walk(tree):
        if id(node) in forwarded:
            continue
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and _is_sync(node.func.value):
                called.add(id(node.func))
                given, starred = _count(node.args)
                yield "bridge", node.func.attr, given, starred, node.lineno
                if node.func.attr == "tell":
                    yield from _call_use(node.args, node.lineno)
            elif _caller_name(node.func) in CALLERS and _is_layer_call(node):
                yield from _call_use(node.args, node.lineno)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_sync(node.value) and id(node) not in called:
            if isinstance(node.ctx, ast.Load):
                yield "attribute", node.attr, None, False, node.lineno


def _call_use(args, line):
    first = args[0] if args else None
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        yield "call", None, 0, False, line
        return
    given, starred = _count(args[1:])
    yield "call", first.value, given, starred, line


def _is_layer_call(node):
    """bridge.call/ask(...), or wait_call(...) anywhere (the scheduler's own)."""
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in ("call", "ask"):
        return isinstance(func.value, ast.Name) and func.value.id == "bridge"
    return _caller_name(func) == "wait_call"


class LayerCallsTest(unittest.TestCase):
    def setUp(self):
        self.uses = []
        for path, source in layer_sources():
            tree = ast.parse(source, filename=str(path))
            for use in find_uses(path, tree):
                self.uses.append((path.relative_to(LAYER_ROOT), *use))

    def test_finds_the_layers_calls(self):
        """The scan is not vacuous: it sees the calls that every process makes."""
        names = {name for _, kind, name, *_ in self.uses if kind == "call"}
        self.assertTrue({"read", "sleep", "spawn", "fdWait", "threadStart"} <= names, names)
        members = {name for _, kind, name, *_ in self.uses if kind != "call"}
        self.assertTrue({"write", "fdReserve", "callFor", "pid"} <= members, members)

    def test_every_call_is_a_layer_call_with_its_arity(self):
        problems = []
        for path, kind, name, given, starred, line in self.uses:
            if kind != "call":
                continue
            where = f"{path}:{line}"
            if name is None:
                problems.append(f"{where}: the call's name must be a string literal")
            elif name not in LAYER_CALLS:
                problems.append(f"{where}: no layer call named {name!r}")
            elif not _arity_ok(LAYER_CALLS[name], given, starred):
                problems.append(f"{where}: {name} takes {LAYER_CALLS[name]} arguments, got {given}")
        self.assertEqual(problems, [])

    def test_every_bridge_member_exists_and_is_called_right(self):
        problems = []
        for path, kind, name, given, starred, line in self.uses:
            if kind == "call":
                continue
            where = f"{path}:{line}"
            if name not in LAYER_BRIDGE:
                problems.append(f"{where}: the bridge has no member {name!r}")
                continue
            arity = LAYER_BRIDGE[name]
            if kind == "bridge" and arity is None:
                problems.append(f"{where}: {name} is a value, not a method")
            elif kind == "bridge" and not _arity_ok(arity, given, starred):
                problems.append(f"{where}: {name} takes {arity} arguments, got {given}")
        self.assertEqual(problems, [])

    def test_every_protocol_member_is_used(self):
        """A member nobody calls is a protocol entry to delete (or a use the scan misses)."""
        used = {name for _, _, name, *_ in self.uses}
        unused_calls = sorted(set(LAYER_CALLS) - used)
        # The scheduler's entry points are called by JavaScript, not by Python.
        unused_bridge = sorted(set(LAYER_BRIDGE) - used)
        self.assertEqual(unused_calls, [])
        self.assertEqual(unused_bridge, [])


class ScanTest(unittest.TestCase):
    """The scan itself catches what it must (each case would pass a broken layer otherwise)."""

    def scan(self, source):
        return list(find_uses("x.py", ast.parse(source)))

    def test_call_forms(self):
        uses = self.scan(
            'bridge.call("sleep", 1)\nbridge.ask("sockInfo", fd)\nwait_call("threadStart")\n'
            "bridge.call(name)\n"
        )
        self.assertEqual(
            [(kind, name, given) for kind, name, given, *_ in uses],
            [("call", "sleep", 1), ("call", "sockInfo", 1), ("call", "threadStart", 0),
             ("call", None, 0)],
        )

    def test_bridge_forms(self):
        uses = self.scan("bridge.sync.fdReserve('r')\nx = bridge.sync.pid\nsync.callFor(1, 'read', *a)\n")
        self.assertEqual(
            sorted((kind, name, given, starred) for kind, name, given, starred, _ in uses),
            [("attribute", "pid", None, False), ("bridge", "callFor", 2, True),
             ("bridge", "fdReserve", 1, False)],
        )

    def test_arity(self):
        self.assertTrue(_arity_ok((1, 2), 1, False))
        self.assertFalse(_arity_ok((1, 2), 3, False))
        self.assertFalse(_arity_ok((2, 2), 1, False))
        self.assertTrue(_arity_ok((2, None), 5, False))
        self.assertTrue(_arity_ok((2, 2), 1, True))


if __name__ == "__main__":
    unittest.main()
