"""``env [-i] [-u NAME] [NAME=VALUE ...] [COMMAND [ARG ...]]``: show or set the environment for a
command, as GNU env."""

import os
import subprocess
import sys


def main(args):
    environment = dict(os.environ)
    while args and args[0] in ("-i", "-", "-u"):
        if args[0] == "-u" and len(args) > 1:
            environment.pop(args[1], None)
            args = args[2:]
        else:
            environment, args = {}, args[1:]
    while args and "=" in args[0]:
        name, _, value = args[0].partition("=")
        environment[name] = value
        args = args[1:]
    if not args:
        for name, value in environment.items():
            print(f"{name}={value}")
        return 0
    try:
        return subprocess.call(args, env=environment)
    except FileNotFoundError:
        print(f"env: \u2018{args[0]}\u2019: No such file or directory", file=sys.stderr)
        return 127
    except PermissionError:
        print(f"env: \u2018{args[0]}\u2019: Permission denied", file=sys.stderr)
        return 126
