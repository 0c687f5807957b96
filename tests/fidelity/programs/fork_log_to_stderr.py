"""multiprocessing.log_to_stderr(), set up once in the parent, logs in every forked child."""

import logging
import multiprocessing as mp


def work(n):
    logger = mp.get_logger()
    logger.info("working on %d", n)
    # Quiet from here: how CPython versions order their shutdown lines differs.
    logger.setLevel(logging.WARNING)
    return n * n


if __name__ == "__main__":
    logger = mp.log_to_stderr()
    logger.setLevel(logging.INFO)
    p = mp.Process(target=work, args=(3,), name="Worker")
    p.start()
    p.join()
    print("exit code", p.exitcode)
    logger.setLevel(logging.WARNING)
