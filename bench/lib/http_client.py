"""The driver's own HTTP calls to the servers (setup, checks, single timed reads; wrk does the load)."""
import http.client
import json
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
