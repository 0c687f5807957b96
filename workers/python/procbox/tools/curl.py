"""``curl [-i] [-I] [-v] [-s] [-X METHOD] [-H 'Name: value'] [-d DATA] URL``: one HTTP request to
a server in the sandbox, printed as curl prints it (the body; with ``-i`` the head first; with
``-v`` the exchange on stderr). Errors carry curl's exit codes and messages.
"""

import http.client
import socket
import sys
import time
import urllib.parse

USAGE = "usage: curl [-i] [-I] [-v] [-s] [-X METHOD] [-H 'Name: value'] [-d DATA] URL"
VERSION = "8.5.0"


class CurlError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _parse(args):
    options = {"include": False, "head": False, "verbose": False, "method": None,
               "headers": [], "data": None, "url": None}
    args = list(args)
    while args:
        arg = args.pop(0)
        if arg in ("-i", "--include"):
            options["include"] = True
        elif arg in ("-I", "--head"):
            options["head"] = True
        elif arg in ("-v", "--verbose"):
            options["verbose"] = True
        elif arg in ("-s", "--silent"):
            pass  # there is no progress meter to silence
        elif arg in ("-X", "--request", "-H", "--header", "-d", "--data") and args:
            value = args.pop(0)
            if arg in ("-X", "--request"):
                options["method"] = value
            elif arg in ("-H", "--header"):
                name, _, content = value.partition(":")
                options["headers"].append((name.strip(), content.strip()))
            else:
                options["data"] = value
        elif arg.startswith("-") or options["url"] is not None:
            return None
        else:
            options["url"] = arg
    return options if options["url"] else None


def _target(url):
    if "://" not in url:
        url = "http://" + url
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http":
        raise CurlError(1, f'Protocol "{parts.scheme}" is not available in the Procbox sandbox')
    if not parts.hostname:
        raise CurlError(3, "URL rejected: No host part in the URL")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.hostname, parts.port or 80, path, parts.netloc


def _request(options):
    host, port, path, netloc = _target(options["url"])
    method = options["method"] or (
        "HEAD" if options["head"] else "POST" if options["data"] is not None else "GET"
    )
    headers = [("Host", netloc), ("User-Agent", f"curl/{VERSION}"), ("Accept", "*/*")]
    body = None
    if options["data"] is not None:
        body = options["data"].encode()
        headers += [("Content-Length", str(len(body))),
                    ("Content-Type", "application/x-www-form-urlencoded")]
    given = {name.lower() for name, _ in options["headers"]}
    headers = [h for h in headers if h[0].lower() not in given] + options["headers"]

    verbose = options["verbose"]
    started = time.monotonic()
    connection = http.client.HTTPConnection(host, port)
    try:
        connection.connect()
    except socket.gaierror:
        raise CurlError(6, f"Could not resolve host: {host} (the Procbox sandbox has no "
                           "outside network)") from None
    except OSError:
        elapsed = int((time.monotonic() - started) * 1000)
        raise CurlError(7, f"Failed to connect to {host} port {port} after {elapsed} ms: "
                           "Couldn't connect to server") from None
    if verbose:
        peer = connection.sock.getpeername()
        _note(f"*   Trying {peer[0]}:{peer[1]}...")
        _note(f"* Connected to {host} ({peer[0]}) port {port}")
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in headers:
        connection.putheader(name, value)
    connection.endheaders(body)
    if verbose:
        _note(f"> {method} {path} HTTP/1.1")
        for name, value in headers:
            _note(f"> {name}: {value}")
        _note(">")
    try:
        response = connection.getresponse()
    except http.client.RemoteDisconnected:
        raise CurlError(52, "Empty reply from server") from None
    except (http.client.HTTPException, OSError) as error:
        raise CurlError(56, f"Recv failure: {error}") from None
    return method, response


def _note(line):
    print(line, file=sys.stderr)


def main(args):
    options = _parse(args)
    if options is None:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        method, response = _request(options)
    except CurlError as error:
        print(f"curl: ({error.code}) {error}", file=sys.stderr)
        return error.code
    version = "HTTP/1.0" if response.version == 10 else "HTTP/1.1"
    head = [f"{version} {response.status} {response.reason}"]
    head += [f"{name}: {value}" for name, value in response.getheaders()]
    if options["verbose"]:
        for line in head:
            _note(f"< {line}")
        _note("<")
    out = sys.stdout.buffer
    if options["include"] or options["head"]:
        out.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
    if method != "HEAD":
        try:
            out.write(response.read())
        except (http.client.HTTPException, OSError) as error:
            out.flush()
            print(f"curl: (18) transfer closed with outstanding read data remaining: {error}",
                  file=sys.stderr)
            return 18
    out.flush()
    return 0
