"""A callback receiver on 127.0.0.1 for the scripts that run launch lines:
it answers every POST with 200 and keeps the bodies.

  python3 kvsreceiver.py DIR    prints its URL, then writes each body to
                                DIR/callback-N.json before answering it
"""
import http.server
import os
import sys
import threading


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.server.on_body:
            self.server.on_body(len(self.server.bodies), body)
        self.server.bodies.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


class Receiver:
    """Use as a context manager; `url` is where to POST, `bodies` what came.
    `on_body(n, body)` runs before a POST is answered."""

    def __init__(self, on_body=None):
        self.on_body = on_body

    def __enter__(self):
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.bodies = self.bodies = []
        self._server.on_body = self.on_body
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()


def _write(n, body):
    with open(os.path.join(sys.argv[1], f"callback-{n}.json"), "wb") as f:
        f.write(body)


if __name__ == "__main__":
    with Receiver(_write) as rx:
        print(rx.url, flush=True)
        threading.Event().wait()
