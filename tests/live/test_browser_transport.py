"""The browser's live connection is a real WebSocket on the production worker (gevent),
not engine.io's long-polling fallback: live.js asks for ["websocket", "polling"] and
would quietly settle for polling if the upgrade failed."""
from __future__ import annotations

import pytest
from fixtures.live import live_server, sign_in, wait_for_js  # noqa: F401  (module-scoped fixture)

pytestmark = pytest.mark.browser

# Keep every socket the page's scripts open (window.io is defined by the vendored client).
CAPTURE = """
(() => {
  let real;
  window.__sockets = [];
  Object.defineProperty(window, "io", {
    configurable: true,
    get() { return real; },
    set(io) {
      real = Object.assign(function (...args) {
        const socket = io(...args);
        window.__sockets.push(socket);
        return socket;
      }, io);
    },
  });
})();
"""


def test_board_page_holds_a_websocket(live_server, live_page):  # noqa: F811
    live_page.add_init_script(CAPTURE)
    sign_in(live_page, live_server, "board")
    live_page.goto(live_server.url + "/board")
    wait_for_js(live_page, "window.__sockets.length > 0 && window.__sockets[0].connected")
    transport = live_page.evaluate("window.__sockets[0].io.engine.transport.name")
    assert transport == "websocket"
