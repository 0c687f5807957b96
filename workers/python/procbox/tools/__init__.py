"""Console tools: small programs the console's command line starts as processes of their own.

Each is plain Python on the sandbox's own sockets, so it meets the same kernel, errors and limits
as the user's code. The list of tools is the command line's own (CONSOLE_TOOLS, from
workers/protocol/constants.ts).
"""

import importlib
import os
import sys

from ..constants import CONSOLE_TOOLS as TOOLS

# What a program's commands (subprocess) may run besides python: the console's tools, a shell
# and a few POSIX basics.
PROGRAMS = (*TOOLS, "echo", "cat", "true", "false", "pwd", "sleep", "head", "tail", "wc", "env", "ls", "grep", "ps")


def main(argv):
    """Runs the tool ``argv[0]``; returns its exit status."""
    name = os.path.basename(argv[0]) if argv else ""  # /bin/sh is sh
    if name not in PROGRAMS:
        print(f"procbox: {name}: no such tool (there are: {', '.join(TOOLS)})", file=sys.stderr)
        return 127
    return importlib.import_module(f"{__name__}.{name}").main(argv[1:])
