# Many concurrent asyncio clients against asyncio_many_server.py: each connects, is echoed, and
# stays connected until every one has its reply.
import asyncio
import sys

CLIENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 500


async def connect():
    for _ in range(100):
        try:
            return await asyncio.open_connection("127.0.0.1", 8765)
        except ConnectionRefusedError:
            await asyncio.sleep(0.1)
    raise SystemExit("server never came up")


async def client(n, all_echoed, replies):
    reader, writer = await connect()
    message = f"client {n}\n".encode()
    writer.write(message)
    await writer.drain()
    replies.append(await reader.readline() == message)
    if len(replies) == CLIENTS:
        all_echoed.set()
    await all_echoed.wait()
    writer.close()
    await writer.wait_closed()


async def main():
    all_echoed = asyncio.Event()
    replies = []
    await asyncio.gather(*(client(n, all_echoed, replies) for n in range(CLIENTS)))
    print(f"{len(replies)} clients echoed, all replies right: {all(replies)}")


asyncio.run(main())
