# An asyncio echo server that reports when asyncio_many_clients.py has all its clients connected.
import asyncio
import sys

CLIENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 500
active = 0


async def echo(reader, writer):
    global active
    active += 1
    if active == CLIENTS:
        print(f"server: {CLIENTS} clients connected at once")
    while data := await reader.read(1024):
        writer.write(data)
        await writer.drain()
    active -= 1
    writer.close()


async def main():
    server = await asyncio.start_server(echo, "127.0.0.1", 8765, backlog=1024)
    async with server:
        await server.serve_forever()


asyncio.run(main())
