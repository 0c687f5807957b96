# Three asyncio clients at once; each sends two lines, a moment apart. (Given: the checks use
# this file as it is.)
import asyncio


async def client(n):
    for attempt in range(50):
        try:
            reader, writer = await asyncio.open_connection('127.0.0.1', 8888)
            break
        except ConnectionRefusedError:
            await asyncio.sleep(0.1)  # the server is still starting
    else:
        raise SystemExit("the server never came up")
    for word in ('hello', 'bye'):
        writer.write(f'{word} from {n}\n'.encode())
        await writer.drain()
        reply = await reader.readline()
        print(reply.decode().strip())
        await asyncio.sleep(0.3)
    writer.close()
    await writer.wait_closed()


async def main():
    await asyncio.gather(*(client(n) for n in range(3)))


asyncio.run(main())
