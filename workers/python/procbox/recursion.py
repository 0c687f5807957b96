"""A ceiling on the recursion limit.

A browser worker's stack is much smaller than a native thread's: past roughly 5,000 Python
frames the interpreter's stack overflows and takes the whole tab down, where CPython would
raise RecursionError. ``sys.setrecursionlimit`` therefore accepts values up to MAX_DEPTH and
warns when asked for more, so deep recursion ends in a clear RecursionError.
"""

import sys
import warnings

MAX_DEPTH = 5000


def install():
    set_limit = sys.setrecursionlimit

    def setrecursionlimit(limit):
        if isinstance(limit, int) and limit > MAX_DEPTH:
            warnings.warn(
                f"recursion limit {limit} lowered to {MAX_DEPTH}: deeper recursion would "
                "overflow the browser's stack",
                RuntimeWarning,
                stacklevel=2,
            )
            limit = MAX_DEPTH
        set_limit(limit)

    setrecursionlimit.__doc__ = set_limit.__doc__
    sys.setrecursionlimit = setrecursionlimit
