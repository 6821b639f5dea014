"""The fixtures are plugins (tests/fixtures/): databases on SQLite or PostgreSQL (db), an app
on a fresh migrated database and signed-in clients (app), a live server and a browser (live), Socket.IO listeners (live_clients).
Tests are laid out like the packages they test (tests/<package>/)."""
pytest_plugins = ("fixtures.db", "fixtures.app", "fixtures.live", "fixtures.live_clients")

import os  # noqa: E402

# No rate limits (hotline/core/ratelimit.py) in the apps and servers the tests start: the
# suite signs in and posts from one address far beyond production rates. Tests of the
# limits turn them on (tests/core/test_rate_limits.py).
os.environ.setdefault("HOTLINE_RATELIMIT_ENABLED", "0")
