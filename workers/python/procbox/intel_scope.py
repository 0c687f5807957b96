"""How the editor's code intelligence reads the buffer: its tree (lines that do not parse left
out), the names it binds and what they hold, inferred without running anything. Only
standard-library modules the buffer imports are imported (procbox/intel.py answers from here).
"""

import ast
import builtins
import importlib
import inspect
import re
import sys

# Modules whose import does something (opens a browser, prints) or cannot work here.
UNSAFE_MODULES = frozenset(
    {"antigravity", "this", "__main__", "idlelib", "tkinter", "turtle", "turtledemo"}
)


class Instance:
    """What an inferred name holds: an object of ``cls``, never made."""

    def __init__(self, cls):
        self.cls = cls


class Defined:
    """A name the buffer defines (a function, class or variable) whose value is unknown."""

    def __init__(self, kind):
        self.kind = kind


def is_stdlib(module):
    top = module.split(".")[0]
    names = getattr(sys, "stdlib_module_names", None)
    in_stdlib = top in names if names is not None else top in sys.builtin_module_names
    return in_stdlib and top not in UNSAFE_MODULES


def import_module(module):
    """The module, if it is the standard library's and imports here; otherwise None."""
    if not module or not is_stdlib(module):
        return None
    try:
        return importlib.import_module(module)
    except Exception:  # a module this interpreter lacks, or one that fails to import
        return None


def parse_tolerant(source, blank_line=None):
    """The buffer's tree, with the lines that do not parse (and `blank_line`) left out: a
    buffer being typed is seldom valid Python."""
    lines = source.split("\n")
    tried = set()

    def blank(index):
        indent = re.match(r"\s*", lines[index]).group(0)
        # `pass` keeps a block that needs a body; a second failure there drops the line.
        lines[index] = "" if index in tried else indent + "pass"
        tried.add(index)

    if blank_line is not None and 0 <= blank_line < len(lines):
        blank(blank_line)
    for _ in range(12):
        try:
            return ast.parse("\n".join(lines))
        except SyntaxError as error:
            index = min(max((error.lineno or len(lines)) - 1, 0), len(lines) - 1)
            if lines[index] == "" and index in tried:
                # The error is about an earlier, unclosed line: drop the nearest one left.
                earlier = [i for i in range(index) if lines[i].strip() and lines[i] != "pass"]
                if not earlier:
                    break
                index = earlier[-1]
            blank(index)
    return ast.Module(body=[], type_ignores=[])


class Scope:
    """The names the buffer binds, up to a line, with what is known of their values."""

    def __init__(self, tree, upto_line=None):
        self.names = {}
        nodes = [n for n in ast.walk(tree) if hasattr(n, "lineno")]
        nodes.sort(key=lambda n: (n.lineno, n.col_offset))
        for node in nodes:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self.bind_import(node)
            elif upto_line is None or node.lineno <= upto_line:
                self.bind(node)

    def bind_import(self, node):
        if isinstance(node, ast.Import):
            for alias in node.names:
                module = import_module(alias.name)
                if alias.asname:
                    self.names[alias.asname] = module or Defined("module")
                else:
                    top = alias.name.split(".")[0]
                    self.names[top] = import_module(top) or Defined("module")
            return
        module = import_module(node.module) if node.level == 0 else None
        for alias in node.names:
            if alias.name == "*":
                continue
            value = getattr(module, alias.name, None) if module else None
            if value is None and module:
                value = import_module(f"{node.module}.{alias.name}")
            self.names[alias.asname or alias.name] = (
                value if value is not None else Defined("variable")
            )

    def bind(self, node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.names[node.name] = Defined("function")
        elif isinstance(node, ast.ClassDef):
            self.names[node.name] = Defined("class")
        elif isinstance(node, ast.Assign):
            value = self.infer(node.value)
            for target in node.targets:
                self.bind_target(target, value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self.bind_target(node.target, self.infer(node.value))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    # Most context managers (sockets, files, locks' owners) enter as themselves.
                    self.bind_target(item.optional_vars, self.infer(item.context_expr))
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.bind_target(node.target, None)
        elif isinstance(node, ast.arguments):
            for arg in node.posonlyargs + node.args + node.kwonlyargs:
                self.names.setdefault(arg.arg, Defined("variable"))

    def bind_target(self, target, value):
        if isinstance(target, ast.Name):
            self.names[target.id] = value if value is not None else Defined("variable")
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind_target(element, None)

    def infer(self, node):
        """What an expression's value is, as far as it can be known without running it."""
        if isinstance(node, ast.Constant):
            return Instance(type(node.value))
        literal = {ast.List: list, ast.Dict: dict, ast.Set: set, ast.Tuple: tuple}
        literal.update({ast.ListComp: list, ast.DictComp: dict, ast.SetComp: set})
        if type(node) in literal:
            return Instance(literal[type(node)])
        if isinstance(node, ast.JoinedStr):
            return Instance(str)
        if isinstance(node, (ast.Name, ast.Attribute)):
            return self.lookup(dotted_name(node))
        if isinstance(node, ast.Call):
            return instance_of(self.infer(node.func))
        return None

    def lookup(self, dotted):
        """The object a dotted name stands for: a module, class, function or Instance."""
        if not dotted:
            return None
        parts = dotted.split(".")
        value = self.names.get(parts[0], getattr(builtins, parts[0], None))
        for part in parts[1:]:
            value = attribute(value, part)
        return None if isinstance(value, Defined) else value

    def global_names(self):
        return {name: value for name, value in self.names.items()}


def dotted_name(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def instance_of(callee):
    """What calling `callee` returns: an instance of a class, or of its annotated return."""
    if inspect.isclass(callee):
        return Instance(callee)
    try:
        returns = inspect.signature(callee).return_annotation
    except (TypeError, ValueError):
        return None
    return Instance(returns) if inspect.isclass(returns) else None


def attribute(value, name):
    if value is None or isinstance(value, Defined):
        return None
    owner = value.cls if isinstance(value, Instance) else value
    try:
        found = getattr(owner, name)
    except Exception:  # a missing name, or a descriptor that refuses a class
        return None
    if isinstance(value, Instance) and not inspect.isroutine(found) and not inspect.isclass(found):
        return instance_of(type(found)) if not isinstance(found, property) else None
    return found


def is_bound(value, owner, name):
    """Whether `owner.name` is called on an instance with `self` given."""
    if not isinstance(owner, Instance):
        return False
    raw = inspect.getattr_static(owner.cls, name, None)
    return inspect.isroutine(value) and not isinstance(raw, (staticmethod, classmethod))
