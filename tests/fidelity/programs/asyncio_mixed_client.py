# Clients of asyncio_mixed_server.py: quick questions are answered while a slow one is still
# being computed in a worker process, because the server's event loop never blocks.
import asyncio


async def connect():
    for _ in range(100):
        try:
            return await asyncio.open_connection("127.0.0.1", 8766)
        except ConnectionRefusedError:
            await asyncio.sleep(0.1)
    raise SystemExit("server never came up")


async def ask(connection, n):
    reader, writer = connection
    writer.write(f"{n}\n".encode())
    await writer.drain()
    return (await reader.readline()).decode().strip()


async def main():
    slow, quick, other = [await connect() for _ in range(3)]
    slow_answer = asyncio.create_task(ask(slow, 32))
    await asyncio.sleep(0.01)
    for name, connection, n in (("quick", quick, 5), ("quick", quick, 10), ("other", other, 15)):
        print(f"{name}: {await ask(connection, n)}")
    print("the slow one was still computing:", not slow_answer.done())
    print(f"slow: {await slow_answer}")
    for _, writer in (slow, quick, other):
        writer.close()
        await writer.wait_closed()


asyncio.run(main())
