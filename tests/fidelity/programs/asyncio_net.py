# asyncio on sockets: the Python docs' stream echo pair, protocols, datagrams, the loop's sock_*
# methods, flow control, errors, and serve_forever ended by cancellation.
import asyncio
import errno
import os
import socket


async def handle_echo(reader, writer):
    data = await reader.read(100)
    message = data.decode()
    addr = writer.get_extra_info("peername")
    print(f"Received {message!r} from {addr[0]}")
    print(f"Send: {message!r}")
    writer.write(data)
    await writer.drain()
    print("Close the connection")
    writer.close()
    await writer.wait_closed()


async def tcp_echo_client(message, port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    print(f"Send: {message!r}")
    writer.write(message.encode())
    await writer.drain()
    data = await reader.read(100)
    print(f"Received: {data.decode()!r}")
    print("Close the connection")
    writer.close()
    await writer.wait_closed()


async def docs_echo_pair():
    server = await asyncio.start_server(handle_echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print("serving:", server.is_serving(), type(server.sockets[0]).__name__)
    async with server:
        await tcp_echo_client("Hello World!", port)
    print("closed:", not server.is_serving())


async def streams_in_depth():
    async def lines(reader, writer):
        while line := await reader.readline():
            writer.write(line.upper())
        writer.write_eof()
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(lines, "localhost", 0, family=socket.AF_INET)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("localhost", port)
    print("peer is the server:", writer.get_extra_info("peername")[1] == port)
    writer.writelines([b"one\n", b"two\n", "三\n".encode()])
    print(await reader.readline(), await reader.readuntil(b"\n"), (await reader.readexactly(4)).decode())
    payload = bytes(range(256)) * 8192  # 2 MiB: drain waits while the ring is full
    writer.write(payload + b"\n")
    await writer.drain()
    back = await reader.readexactly(len(payload) + 1)
    print("2 MiB back:", len(back), back == payload.upper() + b"\n")
    writer.write_eof()
    print("at EOF:", await reader.read(), reader.at_eof())
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()


class EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data[::-1])

    def eof_received(self):
        print("server protocol: eof")


class ClientProtocol(asyncio.Protocol):
    def __init__(self, done):
        self.done = done
        self.received = b""

    def connection_made(self, transport):
        transport.write(b"stressed")
        transport.write_eof()

    def data_received(self, data):
        self.received += data

    def connection_lost(self, exc):
        self.done.set_result(self.received)


async def protocols():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(EchoProtocol, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    done = loop.create_future()
    transport, protocol = await loop.create_connection(lambda: ClientProtocol(done), "127.0.0.1", port)
    await asyncio.sleep(0.05)
    transport.close()
    print("protocol reply:", await done)
    server.close()
    await server.wait_closed()


class DatagramEcho(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.transport.sendto(data.upper(), addr)


class DatagramClient(asyncio.DatagramProtocol):
    def __init__(self, replies):
        self.replies = replies

    def datagram_received(self, data, addr):
        self.replies.put_nowait(data)

    def error_received(self, exc):
        print("error:", exc)


async def datagrams():
    loop = asyncio.get_running_loop()
    server, _ = await loop.create_datagram_endpoint(DatagramEcho, local_addr=("127.0.0.1", 0))
    port = server.get_extra_info("sockname")[1]
    replies = asyncio.Queue()
    client, _ = await loop.create_datagram_endpoint(
        lambda: DatagramClient(replies), remote_addr=("127.0.0.1", port)
    )
    for word in (b"ping", b"pong"):
        client.sendto(word)
        print("datagram reply:", await asyncio.wait_for(replies.get(), 5))
    client.close()
    server.close()


async def sock_methods():
    loop = asyncio.get_running_loop()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    client = socket.socket()
    client.setblocking(False)
    accepting = asyncio.ensure_future(loop.sock_accept(listener))
    await loop.sock_connect(client, listener.getsockname())
    conn, addr = await accepting
    print("sock_accept peer matches:", addr == client.getsockname())

    async def read_all(sock):
        total = 0
        while chunk := await loop.sock_recv(sock, 65536):
            total += len(chunk)
        return total

    receiving = asyncio.ensure_future(read_all(conn))
    await loop.sock_sendall(client, b"x" * 1_000_000)  # more than the socket buffers hold
    client.shutdown(socket.SHUT_WR)
    print("sock_recv total:", await receiving)
    buffer = bytearray(10)
    await loop.sock_sendall(conn, b"0123456789")
    print("sock_recv_into:", await loop.sock_recv_into(client, buffer), bytes(buffer))
    for s in (conn, client, listener):
        s.close()


async def errors():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    free_port = probe.getsockname()[1]
    probe.close()
    try:
        await asyncio.open_connection("127.0.0.1", free_port)
    except ConnectionRefusedError as exc:
        print("refused:", exc, errno.errorcode[exc.errno], os.strerror(exc.errno))
    server = await asyncio.start_server(handle_echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        await asyncio.start_server(handle_echo, "127.0.0.1", port)
    except OSError as exc:
        print("in use:", exc.errno == errno.EADDRINUSE, "address already in use" in str(exc))
    server.close()
    await server.wait_closed()

    async def silent(reader, writer):
        await reader.read()  # reads to EOF, sends nothing back
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    reader, writer = await asyncio.open_connection(*server.sockets[0].getsockname())
    writer.write(b"abc")
    writer.write_eof()
    try:
        await asyncio.wait_for(reader.readexactly(5), 5)
    except asyncio.IncompleteReadError as exc:
        print("incomplete:", exc, exc.partial)
    writer.close()
    server.close()
    await server.wait_closed()


async def serve_forever_cancelled():
    server = await asyncio.start_server(handle_echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    serving = asyncio.create_task(server.serve_forever())
    await tcp_echo_client("again", port)
    serving.cancel()
    try:
        await serving
    except asyncio.CancelledError:
        print("serve_forever cancelled; serving:", server.is_serving())


async def main():
    await docs_echo_pair()
    await streams_in_depth()
    await protocols()
    await datagrams()
    await sock_methods()
    await errors()
    await serve_forever_cancelled()


asyncio.run(main())
