"""Clients for tests against a LiveServer (tests/live.py): a python-socketio listener
that queues every event, the `listen` fixture that closes them, and a bearer-token
API session. The server fixture must carry `.url` and `.tokens` (username -> token)."""
from __future__ import annotations

import queue

import pytest
import requests
import socketio


class Listener:
    """A python-socketio client that queues every event it hears (catch-all handler)."""

    def __init__(self, server, who: str):
        self.sio = socketio.Client(reconnection=False)
        self.inbox: queue.Queue = queue.Queue()
        self.sio.on("*", lambda name, data: self.inbox.put((name, data)))
        self.sio.connect(server.url, auth={"token": server.tokens[who]}, transports=["websocket"], wait_timeout=5)

    def drain(self, prefix: str, settle: float = 0.5) -> list[tuple[str, dict]]:
        """(name, payload) of the events whose name starts with `prefix`, in order,
        until nothing came for `settle` seconds."""
        got = []
        while True:
            try:
                name, data = self.inbox.get(timeout=settle)
            except queue.Empty:
                return got
            if name.startswith(prefix):
                got.append((name, data))

    def payloads(self, name: str, settle: float = 0.5) -> list[dict]:
        """The payloads of the events called exactly `name`."""
        return [data for event, data in self.drain(name, settle) if event == name]

    def close(self):
        if self.sio.connected:
            self.sio.disconnect()


@pytest.fixture
def listen(server):
    opened = []

    def make(who):
        opened.append(Listener(server, who))
        return opened[-1]

    yield make
    for listener in opened:
        listener.close()


class Api:
    def __init__(self, server):
        self.url, self.tokens, self.http = server.url, server.tokens, requests.Session()

    def call(self, who, method, path, body=None, expect=200):
        r = self.http.request(method, self.url + "/api/v1" + path, json=body, timeout=10,
                              headers={"Authorization": f"Bearer {self.tokens[who]}"})
        assert r.status_code == expect, r.text
        return r.json()
