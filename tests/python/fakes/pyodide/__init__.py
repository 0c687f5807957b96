"""A stand-in for Pyodide's ``pyodide`` package, so layer modules import under native CPython.

Only what the tested modules touch at import or in the tested paths is here: the conversions are
identities (no JavaScript exists), and every call may block (``can_run_sync``).
"""
