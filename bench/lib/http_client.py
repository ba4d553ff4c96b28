"""The driver's own HTTP calls to the servers (setup, checks, single timed reads), and the keep-alive
connection of the asyncio load generators (polling viewers; wrk does the closed-loop load)."""
import asyncio
import http.client
import json
import re
import socket
import time
import urllib.parse
import urllib.request

from lib.context import HOST


def port_free(port):
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex((HOST, port)) != 0


def request(port, method, path, body=None, form=None, timeout=120, raw=False, headers=None):
    url = f"http://{HOST}:{port}{path}"
    data, headers = None, dict(headers or {})
    if body is not None:
        data, headers["content-type"] = json.dumps(body).encode(), "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["content-type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        b = r.read()
        return b if raw else json.loads(b)


def timed_get(port, path, timeout=600):
    """One GET on an already-open connection: the time from sending to the last byte."""
    c = http.client.HTTPConnection(HOST, port, timeout=timeout)
    c.connect()
    t0 = time.perf_counter()
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    ms = (time.perf_counter() - t0) * 1000
    c.close()
    return ms, r.status, body


CONTENT_LENGTH = re.compile(rb"(?i)\r\ncontent-length: *(\d+)")
CHUNKED = re.compile(rb"(?i)\r\ntransfer-encoding: *chunked")
CLOSE = re.compile(rb"(?i)\r\nconnection: *close")


class Conn:
    """One keep-alive HTTP/1.1 connection on asyncio streams, opened on first use: hundreds of these
    in one process poll as pages do. Raw requests rather than a client library, because at ~1,000
    requests/s on one core the client's own cost per request decides whether it keeps its schedule.
    A reply without a complete body (a timeout, a reset) leaves the connection unusable: the caller
    closes it, and the next request opens a new one."""

    def __init__(self, port):
        self.port, self.reader, self.writer = port, None, None

    async def request(self, method, target, form=None):
        """(status, body) of one request; raises OSError or asyncio.IncompleteReadError."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        msg = f"{method} {target} HTTP/1.1\r\nHost: {HOST}\r\n"
        if form is not None:
            data = urllib.parse.urlencode(form)
            msg += f"content-type: application/x-www-form-urlencoded\r\ncontent-length: {len(data)}\r\n\r\n{data}"
        else:
            msg += "\r\n"
        self.writer.write(msg.encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        m = CONTENT_LENGTH.search(head)
        if m:
            body = await self.reader.readexactly(int(m.group(1)))
        elif CHUNKED.search(head):
            parts = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append((await self.reader.readexactly(size + 2))[:-2])
            await self.reader.readuntil(b"\r\n")  # the last chunk's (empty) trailer
            body = b"".join(parts)
        else:
            body = b""
        if CLOSE.search(head):
            self.close()
        return status, body

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None
