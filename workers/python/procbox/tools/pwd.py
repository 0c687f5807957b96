"""``pwd``: the working directory."""

import os


def main(args):
    print(os.getcwd())
    return 0
