"""The gunicorn baseline: the same routes as Resume's demo, as a plain WSGI app.

Run with the gthread worker (time.sleep blocks a thread) or the gevent worker (monkey-patched,
so time.sleep suspends a greenlet): gunicorn's own answers to "an app that waits".
"""
import hashlib
import json
import time
from urllib.parse import parse_qs

HELLO = b"Hello, World!"


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    query = parse_qs(environ.get("QUERY_STRING", ""))

    def number(name, default):
        return int(query.get(name, [default])[0])

    if path == "/hello":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(HELLO)))])
        return [HELLO]
    if path == "/sleep":
        time.sleep(number("ms", 100) / 1000.0)
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    if path == "/stream":
        size = number("size", 1024)
        chunk = bytes((ord("a") + i % 26) for i in range(size))
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return (chunk for _ in range(number("chunks", 10)))
    if path == "/upload":
        sha = hashlib.sha256()
        total = 0
        stream = environ["wsgi.input"]
        while True:
            data = stream.read(256 * 1024)
            if not data:
                break
            sha.update(data)
            total += len(data)
        body = json.dumps({"bytes": total, "sha256": sha.hexdigest()}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
    return [b"Not Found"]
