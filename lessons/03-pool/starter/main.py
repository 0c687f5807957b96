import multiprocessing


def square(n):
    return n * n


if __name__ == '__main__':
    # TODO: compute the squares in a multiprocessing.Pool of 4 worker processes,
    # with pool.map, instead of here in the parent.
    results = [square(n) for n in range(10)]
    print(results)
