import asyncio


async def handle(reader, writer):
    # TODO: read lines with `await reader.readline()` and write each back with
    # writer.write(line) and `await writer.drain()`, until readline() returns b"" (the
    # client closed). Then close the writer.
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, '127.0.0.1', 8888)
    print("Echo server on port 8888")
    async with server:
        await server.serve_forever()


asyncio.run(main())
