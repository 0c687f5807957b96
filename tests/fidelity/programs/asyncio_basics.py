# asyncio's building blocks on the selector loop: tasks, waiting, timeouts, cancellation,
# synchronisation primitives, and work handed to threads and processes.
import asyncio
import concurrent.futures
import os
import threading
import time


async def tick(name, n, delay):
    for i in range(n):
        await asyncio.sleep(delay)
    return f"{name} done after {n}"


async def gather_and_wait():
    print(await asyncio.gather(tick("a", 2, 0.01), tick("b", 1, 0.02), asyncio.sleep(0, "z")))
    results = await asyncio.gather(tick("c", 1, 0.01), asyncio.sleep(-1), return_exceptions=True)
    print(results)
    tasks = [asyncio.create_task(tick(n, 1, d), name=n) for n, d in (("fast", 0.01), ("slow", 5))]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print("done", sorted(t.get_name() for t in done), "pending", sorted(t.get_name() for t in pending))
    for task in pending:
        task.cancel()
    done, pending = await asyncio.wait(tasks)
    print("cancelled:", [t.cancelled() for t in tasks])
    order = [await t for t in asyncio.as_completed([tick("x", 3, 0.01), tick("y", 1, 0.01)])]
    print("as_completed:", order)


async def timeouts():
    start = time.monotonic()
    try:
        await asyncio.wait_for(asyncio.sleep(10), timeout=0.05)
    except TimeoutError as exc:
        print("wait_for:", type(exc).__name__, "in time:", time.monotonic() - start < 2)
    try:
        async with asyncio.timeout(0.05) as cm:
            await asyncio.sleep(10)
    except TimeoutError:
        print("timeout(): expired", cm.expired())
    async with asyncio.timeout(5) as cm:
        await asyncio.sleep(0.01)
    print("timeout(): expired", cm.expired())
    print("wait_for in time:", await asyncio.wait_for(tick("w", 1, 0.01), timeout=5))


async def cancellation():
    started = asyncio.Event()

    async def worker():
        started.set()
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            print("worker: cancelled, cleaning up")
            raise
        finally:
            print("worker: finally")

    task = asyncio.create_task(worker())
    await started.wait()
    task.cancel("stop now")
    try:
        await task
    except asyncio.CancelledError as exc:
        print("main: CancelledError", exc.args)
    print("task.cancelled():", task.cancelled())

    shielded = asyncio.create_task(tick("shielded", 2, 0.01))
    try:
        await asyncio.wait_for(asyncio.shield(shielded), timeout=0.001)
    except TimeoutError:
        print("shield: outer timed out, inner", await shielded)


async def task_group():
    async def fail(delay, message):
        await asyncio.sleep(delay)
        raise ValueError(message)

    async with asyncio.TaskGroup() as tg:
        one = tg.create_task(tick("one", 1, 0.01))
        two = tg.create_task(tick("two", 2, 0.01))
    print("TaskGroup:", one.result(), "|", two.result())
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail(0.01, "first"))
            tg.create_task(fail(1, "second"))  # cancelled first, even on a loaded machine
            sleeper = tg.create_task(asyncio.sleep(10))
    except* ValueError as group:
        print("except*:", sorted(str(e) for e in group.exceptions), "sleeper cancelled:", sleeper.cancelled())


async def primitives():
    queue = asyncio.Queue(maxsize=2)
    received = []

    async def producer():
        for i in range(6):
            await queue.put(i)
        await queue.put(None)

    async def consumer():
        while (item := await queue.get()) is not None:
            received.append(item)
            queue.task_done()
        queue.task_done()

    await asyncio.gather(producer(), consumer())
    await queue.join()
    print("Queue:", received, "empty:", queue.empty())

    lock = asyncio.Lock()
    counter = 0

    async def add():
        nonlocal counter
        async with lock:
            value = counter
            await asyncio.sleep(0)
            counter = value + 1

    await asyncio.gather(*(add() for _ in range(50)))
    print("Lock: counter =", counter, "locked:", lock.locked())

    semaphore = asyncio.Semaphore(3)
    inside = peak = 0

    async def limited():
        nonlocal inside, peak
        async with semaphore:
            inside += 1
            peak = max(peak, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(limited() for _ in range(10)))
    print("Semaphore: peak", peak)

    event = asyncio.Event()
    waiters = [asyncio.create_task(event.wait()) for _ in range(3)]
    await asyncio.sleep(0)
    event.set()
    print("Event:", await asyncio.gather(*waiters))

    condition = asyncio.Condition()
    ready = []

    async def waiter(n):
        async with condition:
            await condition.wait_for(lambda: ready)
            return n

    waiting = [asyncio.create_task(waiter(n)) for n in range(3)]
    await asyncio.sleep(0)
    async with condition:
        ready.append(True)
        condition.notify_all()
    print("Condition:", await asyncio.gather(*waiting))


def blocking_work(n):
    time.sleep(0.01)
    return n * n, threading.current_thread() is threading.main_thread()


def cpu_work(n):
    return sum(i * i for i in range(n)), os.getpid() != PARENT


PARENT = os.getpid()


async def executors():
    print("to_thread:", await asyncio.to_thread(blocking_work, 7))
    loop = asyncio.get_running_loop()
    print("default executor:", await loop.run_in_executor(None, blocking_work, 8))
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        print("threads:", await asyncio.gather(*(loop.run_in_executor(pool, blocking_work, n) for n in range(4))))
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        print("processes:", await asyncio.gather(*(loop.run_in_executor(pool, cpu_work, n) for n in (10, 100, 1000))))


async def main():
    print("loop:", type(asyncio.get_running_loop()).__name__)
    await gather_and_wait()
    await timeouts()
    await cancellation()
    await task_group()
    await primitives()
    await executors()
    print("main:", asyncio.current_task().get_name(), "tasks left:", len(asyncio.all_tasks()))
    return "result"


if __name__ == "__main__":
    print("asyncio.run ->", asyncio.run(main()))
    print("after run, same twice ->", asyncio.run(asyncio.sleep(0, "again")))
