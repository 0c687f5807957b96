"""Procbox's Python layer: the C-level pieces a browser lacks, rebuilt on the Procbox kernel.

CPython's own pure-Python stdlib (multiprocessing, threading, socket, ...) runs unmodified on
top of these modules. Each process imports them before the user's code starts.
"""
