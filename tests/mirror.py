"""A mirror of the published tables on 127.0.0.1: every raw file of ../shared/data/raw and
../shared/suite/raw by its name, as a hospital's mirror would serve them. It counts the
requests, and can cut a download short or serve other bytes, for the download tests."""

from __future__ import annotations

import http.server
import threading
from collections import Counter
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FOLDERS = (SHARED / "data" / "raw", SHARED / "suite" / "raw")


class Mirror:
    """A loopback HTTP server of the raw files; ``url`` is its base address."""

    def __init__(self) -> None:
        self.files = {p.name: p for folder in FOLDERS if folder.is_dir()
                      for p in sorted(folder.iterdir()) if p.is_file()}
        self.requests: Counter[str] = Counter()
        self.cut_short: set[str] = set()  # names served with half their bytes, then closed
        self.replaced: dict[str, bytes] = {}  # names served with other bytes
        mirror = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                name = self.path.lstrip("/")
                mirror.requests[name] += 1
                if name not in mirror.files:
                    self.send_error(404)
                    return
                body = mirror.replaced.get(name, mirror.files[name].read_bytes())
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:len(body) // 2] if name in mirror.cut_short else body)

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
