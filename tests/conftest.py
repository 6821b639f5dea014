"""The fixtures are plugins (tests/fixtures/): databases on SQLite or PostgreSQL (db), an app
on a fresh migrated database and signed-in clients (app), a live server and a browser (live), Socket.IO listeners (live_clients).
Tests are laid out like the packages they test (tests/<package>/)."""
pytest_plugins = ("fixtures.db", "fixtures.app", "fixtures.live", "fixtures.live_clients")
