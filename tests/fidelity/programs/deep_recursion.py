import sys


def f(n):
    return f(n + 1)


sys.setrecursionlimit(1_000_000)
try:
    f(0)
except RecursionError as error:
    print("caught", error)
print("still alive")
