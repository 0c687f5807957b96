"""``nc [-u] HOST PORT``: an interactive connection to a server in the sandbox.

Typed lines are sent as they are entered and replies printed as they arrive. Ctrl-D ends the
sending side (as ``nc -N`` does, so a server sees end of file), and nc exits once the server has
closed its side. Messages follow OpenBSD netcat's verbose ones.
"""

import os
import socket
import sys
import threading

USAGE = "usage: nc [-u] HOST PORT"


def _parse(args):
    udp = False
    rest = []
    for arg in args:
        if arg == "-u":
            udp = True
        elif arg.startswith("-") and arg != "-":
            return None
        else:
            rest.append(arg)
    if len(rest) != 2 or not rest[1].isdigit() or not 0 < int(rest[1]) < 65536:
        return None
    return udp, rest[0], int(rest[1])


def _connect(host, port, kind):
    proto = "udp" if kind == socket.SOCK_DGRAM else "tcp"
    try:
        infos = socket.getaddrinfo(host, port, type=kind)
    except socket.gaierror as error:
        print(f'nc: getaddrinfo for host "{host}" port {port}: {error.strerror}', file=sys.stderr)
        return None
    for family, _, proto_number, _, address in infos:
        sock = socket.socket(family, kind, proto_number)
        try:
            sock.connect(address)
            return sock
        except OSError as error:
            print(
                f"nc: connect to {address[0]} port {port} ({proto}) failed: {error.strerror}",
                file=sys.stderr,
            )
            sock.close()
    return None


def _print_replies(sock, udp):
    """Copies what the server sends to stdout; when it closes, nc is done."""
    out = sys.stdout.buffer
    try:
        while True:
            data = sock.recv(65536)
            if not data and not udp:
                break
            out.write(data)
            out.flush()
    except OSError as error:
        print(f"nc: {error.strerror}", file=sys.stderr)
    sys.stderr.flush()
    os._exit(0)  # the main thread may still wait for a typed line


def main(args):
    parsed = _parse(args)
    if parsed is None:
        print(USAGE, file=sys.stderr)
        return 1
    udp, host, port = parsed
    sock = _connect(host, port, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
    if sock is None:
        return 1
    threading.Thread(target=_print_replies, args=(sock, udp), daemon=True).start()
    try:
        while line := sys.stdin.buffer.readline():
            sock.sendall(line)
        if not udp:
            sock.shutdown(socket.SHUT_WR)
            threading.Event().wait()  # the reply printer exits once the server closes
    except OSError as error:
        print(f"nc: write failed: {error.strerror}", file=sys.stderr)
        return 1
    return 0
