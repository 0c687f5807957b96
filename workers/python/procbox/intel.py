"""The editor's code intelligence: completions, hover and signature help, from this
interpreter's own standard library (workers/intel.worker.ts calls it; workers/protocol/intel.ts
types what it returns, as JSON).

The buffer is read with ``ast`` and never run: only the standard-library modules it imports
are imported, and simple assignments give names a type (``s = socket.socket()`` makes ``s`` a
socket, as does ``with socket.socket() as s:``; literals are their builtin type).
"""

import builtins
import inspect
import json
import keyword
import pydoc
import re
import rlcompleter
import tokenize

from .intel_scope import Defined, Instance, Scope, attribute, is_bound, parse_tolerant

DOC_LIMIT = 1500
ITEM_DOC_LIMIT = 400
# A dotted name before the cursor, then the attribute being typed after its last dot.
ATTRIBUTE_BEFORE = re.compile(r"([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\.\s*(\w*)$")
NAME_BEFORE = re.compile(r"(\w*)$")


def signature_text(value, bound=False):
    """`(params)` for a callable, or None: inspect first, then the doc's first line (older
    builtins keep their signature only there)."""
    try:
        sig = inspect.signature(value)
        if bound and sig.parameters:
            sig = sig.replace(parameters=list(sig.parameters.values())[1:])
        return str(sig)
    except (TypeError, ValueError):
        pass
    first = (pydoc.getdoc(value) or "").split("\n", 1)[0]
    name = getattr(value, "__name__", "")
    if name and first.startswith(name + "(") and first.endswith(")"):
        return first[len(name) :]
    return None


def kind_of(value):
    if isinstance(value, Defined):
        return value.kind
    if isinstance(value, Instance):
        return "variable"
    if inspect.ismodule(value):
        return "module"
    if inspect.isclass(value):
        return "class"
    if inspect.isroutine(value):
        return "function"
    if isinstance(value, property):
        return "property"
    if isinstance(value, (int, float, str, bytes)):
        return "constant"
    return "variable"


def doc_of(value, limit):
    if isinstance(value, Defined) or value is None:
        return ""
    target = value.cls if isinstance(value, Instance) else value
    doc = pydoc.getdoc(target) or ""
    return doc if len(doc) <= limit else doc[:limit].rstrip() + " \u2026"


def type_name(cls):
    module = getattr(cls, "__module__", "builtins")
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def headline(name, value, bound=False):
    """The hover's and a completion's one-line summary, as Python would write it."""
    kind = kind_of(value)
    if isinstance(value, Instance):
        return f"{name}: {type_name(value.cls)}"
    if kind == "module":
        return f"module {value.__name__}"
    signature = signature_text(value, bound) if kind in ("class", "function") else None
    if kind == "class":
        return f"class {name}{signature or ''}"
    if kind == "function":
        return f"def {name}{signature or '(...)'}"
    if kind in ("constant", "variable") and not isinstance(value, Defined):
        return f"{name}: {type_name(type(value))}"
    return name


def is_word(text, index):
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


def lines_of(source):
    return source.split("\n")


def complete(source, line, column):
    """Completions at 1-based (line, column): an attribute after a dot, else a global name."""
    text = lines_of(source)[line - 1][: column - 1] if line <= len(lines_of(source)) else ""
    scope = Scope(parse_tolerant(source, blank_line=line - 1), upto_line=line)
    match = ATTRIBUTE_BEFORE.search(text)
    if match:
        owner_name = re.sub(r"\s+", "", match.group(1))
        owner = scope.lookup(owner_name)
        if owner is None:
            return {"items": []}
        typed = match.group(2)
        cls_or_obj = owner.cls if isinstance(owner, Instance) else owner
        items = []
        for name in sorted(set(dir(cls_or_obj))):
            if name.startswith("_") and not typed.startswith("_"):
                continue
            value = attribute(owner, name)
            bound = is_bound(value, owner, name)
            items.append(item(name, value, bound))
        return {"items": items}
    typed = NAME_BEFORE.search(text).group(1)
    names = scope.global_names()
    completer = rlcompleter.Completer(dict(names))
    found = set()
    for state in range(10_000):
        match = completer.complete(typed, state) if typed else None
        if match is None:
            break
        found.add(match.rstrip("( ").rstrip())
    if not typed:
        found = set(names) | set(keyword.kwlist) | {n for n in dir(builtins) if n[0] != "_"}
    items = []
    for name in sorted(found):
        if keyword.iskeyword(name):
            items.append({"label": name, "kind": "keyword", "detail": "", "doc": ""})
            continue
        value = names.get(name, getattr(builtins, name, None))
        items.append(item(name, value))
    return {"items": items}


def item(name, value, bound=False):
    return {
        "label": name,
        "kind": kind_of(value),
        "detail": headline(name, value, bound),
        "doc": doc_of(value, ITEM_DOC_LIMIT) if not isinstance(value, Instance) else "",
    }


def hover(source, line, column):
    """The signature and documentation of the dotted name under 1-based (line, column)."""
    lines = lines_of(source)
    if not 1 <= line <= len(lines):
        return None
    text = lines[line - 1]
    at = column - 1
    if not is_word(text, at):
        at -= 1  # the cursor just after a word still points at it
        if not is_word(text, at):
            return None
    end = at
    while is_word(text, end):
        end += 1
    match = re.search(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$", text[:end])
    if not match:
        return None
    dotted = match.group(0)
    if not dotted or keyword.iskeyword(dotted):
        return None
    scope = Scope(parse_tolerant(source), upto_line=line)
    parts = dotted.split(".")
    owner = scope.lookup(".".join(parts[:-1])) if len(parts) > 1 else None
    value = scope.lookup(dotted)
    if value is None:
        return None
    bound = is_bound(value, owner, parts[-1])
    return {
        "signature": headline(parts[-1], value, bound),
        "doc": doc_of(value, DOC_LIMIT),
        "startColumn": match.start() + 1,
        "endColumn": end + 1,
    }


def open_call(source_before):
    """The innermost unclosed call before the cursor: (callee's dotted name, argument index,
    keyword being given), read from tokens so that strings and nesting are respected."""
    tokens = []
    try:
        for token in tokenize.generate_tokens(iter(source_before.splitlines(True)).__next__):
            tokens.append(token)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass  # an open bracket at the end: the tokens so far are what is wanted
    stack = []
    for i, token in enumerate(tokens):
        if token.type != tokenize.OP:
            continue
        if token.string in "([{":
            stack.append({"at": i, "bracket": token.string, "commas": 0, "keyword": None})
        elif token.string in ")]}" and stack:
            stack.pop()
        elif token.string == "," and stack:
            stack[-1]["commas"] += 1
            stack[-1]["keyword"] = None
        elif token.string == "=" and stack and tokens[i - 1].type == tokenize.NAME:
            stack[-1]["keyword"] = tokens[i - 1].string
    calls = [frame for frame in stack if frame["bracket"] == "("]
    if not calls:
        return None
    frame = calls[-1]
    parts = []
    i = frame["at"] - 1
    while i >= 0 and tokens[i].type == tokenize.NAME:
        parts.append(tokens[i].string)
        if i >= 1 and tokens[i - 1].string == ".":
            i -= 2
        else:
            break
    if not parts or keyword.iskeyword(parts[0]):
        return None
    return ".".join(reversed(parts)), frame["commas"], frame["keyword"]


def active_parameter(parameters, index, keyword_name):
    names = [p.name for p in parameters]
    if keyword_name in names:
        return names.index(keyword_name)
    positional = [
        i
        for i, p in enumerate(parameters)
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    if index < len(positional):
        return positional[index]
    star = [i for i, p in enumerate(parameters) if p.kind == p.VAR_POSITIONAL]
    return star[0] if star else -1


def signature_help(source, line, column):
    """The signature of the call the cursor is in, with the parameter being typed."""
    lines = lines_of(source)
    before = "\n".join(lines[: line - 1] + [lines[line - 1][: column - 1]])
    call = open_call(before)
    if call is None:
        return None
    dotted, index, keyword_name = call
    scope = Scope(parse_tolerant(source, blank_line=line - 1), upto_line=line)
    parts = dotted.split(".")
    owner = scope.lookup(".".join(parts[:-1])) if len(parts) > 1 else None
    value = scope.lookup(dotted)
    if value is None or not callable(value):
        return None
    bound = is_bound(value, owner, parts[-1])
    text = signature_text(value, bound)
    if text is None:
        return None
    label = parts[-1] + text
    parameters = []
    active = -1
    try:
        sig = inspect.signature(value)
        params = list(sig.parameters.values())[1 if bound else 0 :]
        at = len(parts[-1])
        for param in params:
            start = label.find(str(param), at)
            parameters.append([start, start + len(str(param))])
            at = start + len(str(param))
        active = active_parameter(params, index, keyword_name)
    except (TypeError, ValueError):
        pass  # a signature from the doc's first line: shown whole, with no parameter marked
    return {
        "label": label,
        "doc": doc_of(value, DOC_LIMIT),
        "parameters": parameters,
        "activeParameter": active,
    }


def as_json(call, *args):
    """The worker's one entry: a request's answer as JSON (null when there is none)."""
    return json.dumps(call(*args), ensure_ascii=False)


CALLS = {"complete": complete, "hover": hover, "signature": signature_help}


def answer(name, source, line, column):
    return as_json(CALLS[name], source, line, column)
