"""`sohoa review OUTDIR`: the review page and its JSON API, on the standard library's HTTP server.

Why the standard library: six routes, one user, on this machine; http.server's threading server
does that without a framework, an event loop or a dependency to keep up to date.

Safety, for a server that can rewrite a folder of outputs:
- it binds 127.0.0.1 only: nothing on another interface can reach it;
- every request needs the random token printed in the URL: as `?token=`, as `Authorization:
  Bearer`, or as the cookie the page sets when it is opened with the token (HttpOnly,
  SameSite=Strict: another site's page cannot send it); without it, 403;
- the Host header must name this machine (127.0.0.1 or localhost), against DNS rebinding;
- documents are named by opaque ids (ReviewStore): no request names a path; static files come
  from a fixed list; anything else is 404;
- POST bodies are JSON of at most MAX_BODY bytes.
"""
from __future__ import annotations

import hmac
import json
import re
import secrets
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .apply import CorrectionError
from .store import NotFound, ReviewStore

HOST = "127.0.0.1"
COOKIE = "sohoa_review"
MAX_BODY = 1 << 20
STATIC = {"/": ("index.html", "text/html; charset=utf-8"),
          "/static/review.js": ("review.js", "text/javascript; charset=utf-8"),
          "/static/review.css": ("review.css", "text/css; charset=utf-8")}
_DOC = re.compile(r"^/api/documents/([0-9a-f]{16})$")
_PAGE = re.compile(r"^/api/documents/([0-9a-f]{16})/pages/(\d{1,5})\.png$")
_CORRECT = re.compile(r"^/api/documents/([0-9a-f]{16})/corrections$")


def static_file(name: str) -> bytes:
    return files("pipeline.review").joinpath(name).read_bytes()


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True            # Ctrl-C does not wait for a browser's open connection
    allow_reuse_address = True

    def __init__(self, store: ReviewStore, port: int = 0, token: str | None = None):
        self.store = store
        self.token = token or secrets.token_urlsafe(24)
        super().__init__((HOST, port), ReviewHandler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/?token={self.token}"


class ReviewHandler(BaseHTTPRequestHandler):
    server: ReviewServer
    protocol_version = "HTTP/1.1"
    server_version = "sohoa-review"
    sys_version = ""

    # ------------------------------------------------------------------ plumbing
    def log_message(self, format, *args):      # noqa: A002 (the base class's name)
        pass                                   # quiet: the terminal shows the URL and errors only

    def _send(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                         "connect-src 'self'; frame-ancestors 'none'")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": message})

    def _token_given(self, query: dict) -> tuple[str | None, bool]:
        """(the token the request carries, whether it came in the query string)."""
        if "token" in query:
            return query["token"][0], True
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return auth[7:].strip(), False
        for part in self.headers.get("Cookie", "").split(";"):
            k, _, v = part.strip().partition("=")
            if k == COOKIE:
                return v, False
        return None, False

    def _allowed(self, query: dict) -> tuple[bool, bool]:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]")
        if host not in (HOST, "localhost"):
            return False, False
        given, in_query = self._token_given(query)
        ok = given is not None and hmac.compare_digest(given.encode(), self.server.token.encode())
        return ok, ok and in_query

    # ------------------------------------------------------------------ routes
    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        ok, from_query = self._allowed(query)
        if not ok:
            return self._error(HTTPStatus.FORBIDDEN, "forbidden: open the URL that `sohoa review` printed (it holds the token)")
        path = url.path
        try:
            if path in STATIC:
                name, ctype = STATIC[path]
                headers = {}
                if path == "/" and from_query:
                    headers["Set-Cookie"] = f"{COOKIE}={self.server.token}; HttpOnly; SameSite=Strict; Path=/"
                return self._send(HTTPStatus.OK, static_file(name), ctype, headers)
            if path == "/api/documents":
                return self._json(HTTPStatus.OK, {"documents": self.server.store.documents()})
            m = _DOC.match(path)
            if m:
                return self._json(HTTPStatus.OK, self.server.store.document(m.group(1)))
            m = _PAGE.match(path)
            if m:
                png = self.server.store.page_png(m.group(1), int(m.group(2)))
                return self._send(HTTPStatus.OK, png, "image/png")
            return self._error(HTTPStatus.NOT_FOUND, "not found")
        except NotFound as e:
            return self._error(HTTPStatus.NOT_FOUND, str(e))
        except Exception as e:   # noqa: BLE001 (a bug must answer, not hang the page)
            return self._internal(e)

    def do_POST(self):
        url = urlsplit(self.path)
        ok, _ = self._allowed(parse_qs(url.query))
        if not ok:
            return self._error(HTTPStatus.FORBIDDEN, "forbidden: the request carries no valid token")
        m = _CORRECT.match(url.path)
        if not m:
            return self._error(HTTPStatus.NOT_FOUND, "not found")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY:
            return self._error(HTTPStatus.BAD_REQUEST, f"a JSON body of at most {MAX_BODY} bytes is needed")
        try:
            payload = json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            return self._error(HTTPStatus.BAD_REQUEST, f"the body is not JSON ({e})")
        try:
            return self._json(HTTPStatus.OK, self.server.store.correct(m.group(1), payload))
        except NotFound as e:
            return self._error(HTTPStatus.NOT_FOUND, str(e))
        except CorrectionError as e:
            return self._error(HTTPStatus.BAD_REQUEST, str(e))
        except Exception as e:   # noqa: BLE001
            return self._internal(e)

    def _internal(self, e: Exception) -> None:
        from ..errors import SohoaError
        message = e.render() if isinstance(e, SohoaError) else f"internal error: {type(e).__name__}: {e}"
        print(f"sohoa review: {message}", file=sys.stderr)
        return self._error(HTTPStatus.INTERNAL_SERVER_ERROR, message)


def serve(outdir: Path, *, port: int = 0, open_browser: bool = True, stream=None,
          ready: threading.Event | None = None) -> int:
    """Run the review until Ctrl-C (or SIGTERM): print the URL, open it, serve."""
    import signal
    from ..errors import ExitCode, OutputError, UsageError
    stream = stream or sys.stdout
    outdir = Path(outdir)
    if not outdir.is_dir():
        raise UsageError("no such output folder", path=outdir, hint="give the -o folder of a `sohoa process` run")
    store = ReviewStore(outdir)
    if not store.names():
        raise UsageError("no processed document to review here (no *.words.json.gz)", path=outdir,
                         hint="process documents into it first: sohoa process INPUT -o " + str(outdir))
    redone = store.catch_up()
    try:
        server = ReviewServer(store, port=port)
    except OSError as e:
        raise OutputError(f"cannot listen on {HOST}:{port}: {e.strerror}",
                          hint="choose another --port, or leave it out to take a free one") from None
    if redone:
        print(f"sohoa review: outputs made again from saved corrections: {', '.join(redone)}", file=sys.stderr)
    print(server.url, file=stream, flush=True)
    if open_browser:
        import webbrowser
        threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()

    def stop(*_):
        raise KeyboardInterrupt
    previous = signal.signal(signal.SIGTERM, stop) if threading.current_thread() is threading.main_thread() else None
    if ready is not None:
        ready.set()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print("sohoa review: stopped", file=sys.stderr)
    return ExitCode.OK
