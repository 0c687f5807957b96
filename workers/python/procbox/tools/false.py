"""``false``: does nothing, unsuccessfully."""


def main(args):
    return 1
