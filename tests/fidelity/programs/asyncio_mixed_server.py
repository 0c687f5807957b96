# An asyncio server that hands CPU work to a ProcessPoolExecutor, so the event loop keeps serving
# other clients while worker processes compute.
import asyncio
import concurrent.futures
import os
import time


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def nap():
    time.sleep(0.1)
    return os.getpid()


def work(n):
    return fib(n), os.getpid()


async def handle(reader, writer, pool):
    loop = asyncio.get_running_loop()
    while line := await reader.readline():
        n = int(line)
        value, pid = await loop.run_in_executor(pool, work, n)
        writer.write(f"fib({n}) = {value}, computed in a worker: {pid != os.getpid()}\n".encode())
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    loop = asyncio.get_running_loop()
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        # Both workers are up before the first client comes: calls at once until two answer.
        pids = set()
        while len(pids) < 2:
            calls = (loop.run_in_executor(pool, nap) for _ in range(2))
            pids.update(await asyncio.gather(*calls))
        server = await asyncio.start_server(lambda r, w: handle(r, w, pool), "127.0.0.1", 8766)
        print("serving with a pool of 2 processes", flush=True)
        async with server:
            await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
