"""Console tools: small programs the console's command line starts as processes of their own.

Each is plain Python on the sandbox's own sockets, so it meets the same kernel, errors and limits
as the user's code. ``TOOLS`` is kept in step with the command line (src/ui/command-line.ts).
"""

import importlib
import sys

TOOLS = ("nc", "curl")


def main(argv):
    """Runs the tool ``argv[0]``; returns its exit status."""
    name = argv[0] if argv else ""
    if name not in TOOLS:
        print(f"procbox: {name}: no such tool (there are: {', '.join(TOOLS)})", file=sys.stderr)
        return 127
    return importlib.import_module(f"{__name__}.{name}").main(argv[1:])
