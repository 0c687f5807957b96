"""Names and addresses of the virtual network: one host, ``localhost``, and no outside world.

``getaddrinfo``, ``gethostbyname`` and friends answer for local names and numeric addresses as
a Linux machine whose /etc/hosts lists ``localhost`` does; any other name fails as a lookup
without a network does, with a hint that the sandbox has none. ``socket.create_connection``,
``create_server`` and ``getfqdn`` are socket.py's own and use these.
"""

import ipaddress
import socket

HOSTNAME = "procbox"
_LOCAL_NAMES = {"localhost", "localhost.localdomain", HOSTNAME, "ip6-localhost", "ip6-loopback"}
_SERVICES = {"http": 80, "https": 443, "ftp": 21, "ssh": 22, "smtp": 25, "domain": 53, "echo": 7}
_NO_NETWORK = "Temporary failure in name resolution (the Procbox sandbox has no outside network)"
EAI_AGAIN = -3
EAI_NONAME = -2
EAI_SERVICE = -8


def no_network():
    return socket.gaierror(EAI_AGAIN, _NO_NETWORK)


def numeric(host):
    """The address ``host`` spells (IPv4 or IPv6 text), normalised, or None for a name."""
    try:
        return str(ipaddress.ip_address(host.split("%")[0]))
    except ValueError:
        return None


def resolve(host, family):
    """The address a socket of ``family`` binds or connects to for ``host``."""
    if family == socket.AF_INET6:
        if host == "":
            return "::"
        address = numeric(host)
        if address is not None and ":" in address:
            return address
        if host.lower() in _LOCAL_NAMES:
            return "::1"
        if address is not None:  # an IPv4 address given to an IPv6 socket
            raise socket.gaierror(EAI_NONAME, "Name or service not known")
        raise no_network()
    if host in ("", "<any>"):
        return "0.0.0.0"
    if host == "<broadcast>":
        return "255.255.255.255"
    return gethostbyname(host)


def gethostname():
    return HOSTNAME


def gethostbyname(host):
    address = numeric(host)
    if address is not None and ":" not in address:
        return address
    if host.lower() in _LOCAL_NAMES:
        return "127.0.0.1"
    if address is not None:
        raise socket.gaierror(EAI_NONAME, "Name or service not known")
    raise no_network()


def gethostbyname_ex(host):
    address = gethostbyname(host)
    name = "localhost" if address.startswith("127.") else host
    return name, [], [address]


def gethostbyaddr(address):
    host = numeric(address) or (gethostbyname(address) if address else None)
    if host in ("127.0.0.1", "::1"):
        return "localhost", [], [host]
    if host is not None and host.startswith("127."):
        return HOSTNAME, [], [host]
    raise socket.herror(1, "Unknown host")


def _port(port):
    if port is None:
        return 0
    if isinstance(port, int):
        return port
    if isinstance(port, bytes):
        port = port.decode()
    if isinstance(port, str):
        if port.isdigit():
            return int(port)
        if port in _SERVICES:
            return _SERVICES[port]
        raise socket.gaierror(EAI_SERVICE, "Servname not supported for ai_socktype")
    raise OSError("Int or String expected")


def _hosts(host, family, flags):
    """(family, address) pairs for ``host``, IPv4 first, as this machine's resolver orders them."""
    if host is None or host == "":
        if host == "" or not flags & socket.AI_PASSIVE:
            pairs = [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")]
        else:
            pairs = [(socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")]
    else:
        if isinstance(host, bytes):
            host = host.decode()
        address = numeric(host)
        if address is not None:
            pairs = [(socket.AF_INET6 if ":" in address else socket.AF_INET, address)]
        elif host.lower() in _LOCAL_NAMES:
            pairs = [(socket.AF_INET, "127.0.0.1")]
            if host.lower() != HOSTNAME:
                pairs.append((socket.AF_INET6, "::1"))
        elif flags & socket.AI_NUMERICHOST:
            raise socket.gaierror(EAI_NONAME, "Name or service not known")
        else:
            raise no_network()
    matching = [(f, a) for f, a in pairs if family in (0, socket.AF_UNSPEC, f)]
    if not matching:
        raise socket.gaierror(-9, "Address family for hostname not supported")
    return matching


def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    number = _port(port)
    kinds = [(socket.SOCK_STREAM, socket.IPPROTO_TCP), (socket.SOCK_DGRAM, socket.IPPROTO_UDP)]
    if type == 0 and proto == 0:
        kinds.append((socket.SOCK_RAW, 0))
    kinds = [(t, p) for t, p in kinds if type in (0, t) and proto in (0, p)]
    result = []
    for fam, address in _hosts(host, family, flags):
        sockaddr = (address, number) if fam == socket.AF_INET else (address, number, 0, 0)
        for kind, protocol in kinds:
            result.append(
                (socket.AddressFamily(fam), socket.SocketKind(kind), protocol, "", sockaddr)
            )
    return result


def getnameinfo(sockaddr, flags):
    host, port = sockaddr[0], sockaddr[1]
    address = numeric(host) or gethostbyname(host)
    if not flags & socket.NI_NUMERICHOST and address in ("127.0.0.1", "::1"):
        address = "localhost"
    service = str(port)
    if not flags & socket.NI_NUMERICSERV:
        service = next((name for name, n in _SERVICES.items() if n == port), service)
    return address, service


def install():
    socket.has_ipv6 = True
    socket.SOMAXCONN = 4096
    for name in (
        "getaddrinfo",
        "gethostname",
        "gethostbyname",
        "gethostbyname_ex",
        "gethostbyaddr",
        "getnameinfo",
    ):
        setattr(socket, name, globals()[name])
