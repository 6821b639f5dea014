"""Security headers on every response, and `Cache-Control: no-store` on what may carry
personal data.

The Content-Security-Policy allows scripts, styles, images and connections from this
site only: no inline <script>, no inline event handler (onclick=...), no style
attribute, no eval. Page data travels in <script type="application/json"> islands,
which are data (never run) and pass the policy. `connect-src 'self'` covers the
Socket.IO WebSocket on the same host and port (ws: and wss: under CSP Level 3;
tests/core/test_csp_browser.py checks it in Chromium).

HSTS only when the site is served over HTTPS (HOTLINE_SECURE_COOKIES=1 sets
HSTS_SECONDS): sent over plain HTTP it would lock a closed network's browsers out.

Our own module rather than Flask-Talisman: the policy here is one fixed string, with no
nonces or per-view variants; Talisman (last release 1.1.0, 2023) also redirects to
HTTPS and sets cookie flags, which the config and nginx already own.

Caching: every answer but the static files and /healthz gets `no-store` (pages, API
answers, CSV and spreadsheet exports all may name callers); static files keep theirs."""
from flask import Flask, current_app, request
from werkzeug.wrappers import Response

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Nothing here uses them; a crew location feature would open geolocation=(self).
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

# Endpoints whose answers may be cached: they hold nothing personal.
CACHEABLE = {"static", "health.healthz"}


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    hsts = current_app.config.get("HSTS_SECONDS")
    if hsts:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={int(hsts)}; includeSubDomains")
    if request.endpoint not in CACHEABLE:
        # Replaces what send_file or a view set (no-cache revalidates, but still stores).
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
