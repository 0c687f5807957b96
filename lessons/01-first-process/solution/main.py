import multiprocessing
import os


def greet():
    print(f"Hello from the child process {os.getpid()}, parent {os.getppid()}")


if __name__ == '__main__':
    print(f"Parent {os.getpid()} starts a child")
    child = multiprocessing.Process(target=greet)
    child.start()
    child.join()
    print(f"Child exited with code {child.exitcode}")
