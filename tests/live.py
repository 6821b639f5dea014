"""A real server and a real browser for end-to-end tests (and scripts/screenshots.py).

LiveServer runs the app as a subprocess (gunicorn when the environment has it) on a free
loopback port with its own instance folder and SQLite file, built by the migrations.
Fixtures: `live_server` (module scope, one user per role, password PASSWORD), `browser`
(session scope, headless /usr/bin/chromium) and `live_page` (a fresh context per test).
Use them from a test module with `from live import browser, live_page, live_server`.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "correct horse battery"
CHROMIUM = os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# Run inside the app with a session; the snippet's names: app, db, PASSWORD.
_PRELUDE = """
from hotline import create_app
from hotline.core.extensions import db
PASSWORD = {password!r}
app = create_app()
with app.app_context():
{body}
    db.session.commit()
"""

SEED_USERS = """
from hotline.users.models import Role
from hotline.users.services import create_user
from hotline.units.models import Unit, UnitKind
unit = Unit(code="north", name="North branch", kind=UnitKind.BRANCH)
db.session.add(unit)
db.session.flush()
for role in Role:
    create_user(role.value, PASSWORD, role, role.value.title() + " One", unit.id if role == Role.CREW else None)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tool(name: str) -> str | None:
    local = BIN / name
    return str(local) if local.exists() else shutil.which(name)


class LiveServer:
    def __init__(self, instance: Path):
        self.instance = Path(instance)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "HOTLINE_INSTANCE": str(self.instance), "PYTHONUNBUFFERED": "1"}
        self.env.pop("DATABASE_URL", None)
        self.log_path = self.instance / "server.log"
        self.proc: subprocess.Popen | None = None

    def _run(self, args: list[str], **kw) -> subprocess.CompletedProcess:
        result = subprocess.run(args, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120, **kw)
        if result.returncode != 0:
            raise RuntimeError(f"{args[:3]} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def run_in_app(self, body: str) -> str:
        """Run Python inside the app context of this server's database; returns stdout."""
        code = _PRELUDE.format(password=PASSWORD, body=textwrap.indent(textwrap.dedent(body), "    "))
        return self._run([sys.executable, "-c", code]).stdout

    def start(self) -> "LiveServer":
        self.instance.mkdir(parents=True, exist_ok=True)
        self._run([_tool("flask") or "flask", "--app", "wsgi", "db", "upgrade"])
        gunicorn = _tool("gunicorn")
        if gunicorn:
            # gunicorn.conf.py starts the embedded SLA scheduler in the worker, as in production.
            cmd = [gunicorn, "-c", "gunicorn.conf.py", "-k", "gthread", "-w", "1", "--threads", "20",
                   "-b", f"127.0.0.1:{self.port}", "wsgi:app"]
        else:  # tests only: Werkzeug's threaded server
            cmd = [sys.executable, "-c",
                   f"from wsgi import app; app.run('127.0.0.1', {self.port}, threaded=True)"]
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_up()
        return self

    def _wait_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not answer in {timeout}s:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_log", None):
            self._log.close()


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def sign_in(page, server: LiveServer, username: str, password: str = PASSWORD) -> None:
    page.goto(server.url + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("live")).start()
    try:
        server.run_in_app(SEED_USERS)
        yield server
    finally:
        server.stop()


class _SharedBrowser:
    """One Playwright and one Chromium per test process. Each test module that imports the
    `browser` fixture gets its own session-scoped copy of it, and a second sync Playwright
    cannot start inside the first: so they share this one, closed by the last user."""

    users = 0
    playwright = None
    browser = None

    @classmethod
    def acquire(cls):
        if cls.browser is None:
            from playwright.sync_api import sync_playwright

            cls.playwright = sync_playwright().start()
            cls.browser = launch_browser(cls.playwright)
        cls.users += 1
        return cls.browser

    @classmethod
    def release(cls):
        cls.users -= 1
        if cls.users == 0 and cls.browser is not None:
            cls.browser.close()
            cls.playwright.stop()
            cls.browser = cls.playwright = None


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    pytest.importorskip("playwright.sync_api")
    yield _SharedBrowser.acquire()
    _SharedBrowser.release()


@pytest.fixture
def live_page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
