"""A TCP relay in front of one node that can partition the network silently.

    relay = BlackholeRelay("127.2.0.1", "127.1.0.1", testbed.port)
    # dial relay.listen_addr:relay.port; sshd still sees the node address 127.1.0.1
    relay.blackhole()  # nothing passes either way; sockets stay open: no RST, no FIN
    relay.heal()       # held bytes flow again, in order: the SSH session carries on
    relay.retarget("127.1.0.1", other_port)  # open connections drop; new ones reach another
                                             # server on the same address (a node reinstalled)
    relay.close()

Bytes are held, not dropped: a real partition that heals loses nothing either (TCP retransmits),
and an SSH stream with a hole in it could never recover. While blackholed the kernel still
completes new TCP handshakes on the listening socket (a real partition would not answer the SYN),
but no byte, banner included, crosses until heal().
"""

from __future__ import annotations

import contextlib
import socket
import threading


class BlackholeRelay:
    def __init__(
        self, listen_addr: str, target_addr: str, target_port: int, listen_port: int = 0
    ) -> None:
        self.listen_addr = listen_addr
        self.target = (target_addr, target_port)
        self._listener = socket.create_server((listen_addr, listen_port))
        self.port: int = self._listener.getsockname()[1]
        self._flowing = threading.Event()
        self._flowing.set()
        self._closed = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._spawn(self._accept_loop, "relay-accept")

    @property
    def blackholed(self) -> bool:
        return not self._flowing.is_set()

    @property
    def connections(self) -> int:
        """Client connections accepted so far."""
        with self._lock:
            return len(self._sockets) // 2

    def blackhole(self) -> None:
        self._flowing.clear()

    def heal(self) -> None:
        self._flowing.set()

    def retarget(self, target_addr: str, target_port: int) -> None:
        """Drop every open connection (peers see them close) and send new ones to another
        server: the machine behind this address was replaced, its host key with it."""
        self.target = (target_addr, target_port)
        with self._lock:
            sockets, self._sockets = list(self._sockets), []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """Close everything (peers see FIN) and join the threads."""
        self._closed = True
        self._flowing.set()  # release pumps holding bytes so they can see the close
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes accept() on Linux
        self._listener.close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes recv()
        for thread in list(self._threads):
            thread.join(5)
        for sock in sockets:
            sock.close()

    def __enter__(self) -> BlackholeRelay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _spawn(self, target, name: str, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()  # target down: the client sees the connection drop
                continue
            upstream.settimeout(None)
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                if self._closed:
                    client.close()
                    upstream.close()
                    return
                self._sockets += [client, upstream]
            self._spawn(self._pump, "relay-up", client, upstream)
            self._spawn(self._pump, "relay-down", upstream, client)

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            # a blackhole holds data and end-of-stream alike: no FIN crosses it either
            self._flowing.wait()
            if self._closed:
                return
            if not data:
                with contextlib.suppress(OSError):
                    dst.shutdown(socket.SHUT_WR)
                return
            try:
                dst.sendall(data)
            except OSError:
                return
