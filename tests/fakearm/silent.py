"""A Resource Manager that hangs: accepts connections on 127.0.0.1 and never answers."""

from __future__ import annotations

import socket
import threading


class SilentServer:
    """Accepts connections on 127.0.0.1 and never answers: a Resource Manager that hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.conns: list[socket.socket] = []
        self.halt = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.halt.is_set():
            try:
                conn, _ = self.sock.accept()
                self.conns.append(conn)
            except OSError:
                continue

    def close(self) -> None:
        self.halt.set()
        self.thread.join()
        for c in self.conns:
            c.close()
        self.sock.close()
