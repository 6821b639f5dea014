"""The fixtures are plugins (tests/fixtures/): databases on SQLite or PostgreSQL (db), an app
on a fresh migrated database and signed-in clients (app), a live server and a browser (live), Socket.IO listeners (live_clients).
Tests are laid out like the packages they test (tests/<package>/)."""
import os

# The suites were written when the browser's language chose the page's. The test center
# has no language of its own (HOTLINE_LOCALE empty: then the browser's Accept-Language
# counts), so their en-US browsers and Accept-Language headers keep choosing as before;
# live servers inherit it. tests/users/test_locale.py checks a center with a language
# (the production default, zh_CN), where the browser's no longer counts.
os.environ["HOTLINE_LOCALE"] = ""

pytest_plugins = ("fixtures.db", "fixtures.app", "fixtures.live", "fixtures.live_clients")

import os  # noqa: E402

# No rate limits (hotline/core/ratelimit.py) in the apps and servers the tests start: the
# suite signs in and posts from one address far beyond production rates. Tests of the
# limits turn them on (tests/core/test_rate_limits.py).
os.environ.setdefault("HOTLINE_RATELIMIT_ENABLED", "0")
