import multiprocessing
import os


def greet():
    print(f"Hello from the child process {os.getpid()}, parent {os.getppid()}")


if __name__ == '__main__':
    print(f"Parent {os.getpid()} starts a child")
    # TODO: create a multiprocessing.Process that runs greet, start it and wait for it
    # with join(). Then print its exit code:
    # print(f"Child exited with code {child.exitcode}")
