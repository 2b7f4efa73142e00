"""A local SMTP server that accepts every message and keeps only a count: the benches run Accord as
in production (``ACCORD_DEBUG=false``), where mail must go to a real SMTP server.

Plain SMTP (no TLS, no auth) on 127.0.0.1, one thread per connection; enough of RFC 5321 for
Django's SMTP backend (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT).
"""

from __future__ import annotations

import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        self._say("220 localhost bench SMTP sink")
        while line := self.rfile.readline():
            verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-localhost\r\n250 8BITMIME\r\n")
            elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                while (body := self.rfile.readline()) and body not in (b".\r\n", b".\n"):
                    pass
                with self.server.lock:  # type: ignore[attr-defined]
                    self.server.messages += 1  # type: ignore[attr-defined]
                self._say("250 OK: queued")
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            else:
                self._say("502 Command not implemented")


class SmtpSink(socketserver.ThreadingTCPServer):
    """``with SmtpSink() as sink:`` serves on ``sink.url`` until the block ends."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.lock = threading.Lock()
        self.messages = 0

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> SmtpSink:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
