"""Tries every way out of the sandbox; prints what each attempt got."""
import sys

import js
from pyodide.code import run_js

canary = sys.argv[0] and open("canary_url.txt").read().strip()


def attempt(label, action):
    try:
        result = action()
        print(label, "reached", repr(result)[:80])
    except BaseException as error:
        print(label, "blocked", type(error).__name__)


for name in ["fetch", "XMLHttpRequest", "WebSocket", "EventSource", "indexedDB", "caches",
             "importScripts", "BroadcastChannel", "Worker", "SharedWorker", "postMessage",
             "localStorage", "WebTransport"]:
    attempt(name, lambda: getattr(js, name) or (_ for _ in ()).throw(AttributeError(name)))

attempt("proto fetch", lambda: js.Object.getPrototypeOf(js).fetch(canary))
attempt("navigator.storage", lambda: js.navigator.storage.getDirectory())
attempt("run_js fetch", lambda: run_js(f"fetch({canary!r})"))
attempt("run_js import", lambda: run_js(f"import({canary!r})"))
attempt("eval", lambda: js.eval("1 + 1"))
attempt("Function", lambda: js.Function.new("return fetch")())
