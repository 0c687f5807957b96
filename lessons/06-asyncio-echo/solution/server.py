import asyncio


async def handle(reader, writer):
    while line := await reader.readline():  # b"" once the client has closed
        writer.write(line)
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, '127.0.0.1', 8888)
    print("Echo server on port 8888")
    async with server:
        await server.serve_forever()


asyncio.run(main())
