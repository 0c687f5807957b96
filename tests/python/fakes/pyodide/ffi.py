"""``pyodide.ffi`` under native CPython: values stay Python values."""


class JsException(Exception):
    """Raised where JavaScript would throw."""


def to_js(value, **_options):
    return value


def create_proxy(value, **_options):
    return value


def can_run_sync():
    return True
