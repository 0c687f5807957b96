"""``sleep NUMBER[smhd] ...``: waits for their sum, as GNU sleep."""

import sys
import time

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def main(args):
    if not args:
        print("sleep: missing operand", file=sys.stderr)
        return 1
    total = 0.0
    for arg in args:
        unit = _UNITS.get(arg[-1:], None)
        number = arg[:-1] if unit else arg
        try:
            total += float(number) * (unit or 1)
        except ValueError:
            print(f"sleep: invalid time interval '{arg}'", file=sys.stderr)
            return 1
    time.sleep(total)
    return 0
