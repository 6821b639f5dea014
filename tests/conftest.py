"""The fixtures are plugins (tests/fixtures/): an app on a migrated SQLite copy and
signed-in clients (app), a live server and a browser (live), Socket.IO listeners (live_clients).
Tests are laid out like the packages they test (tests/<package>/)."""
pytest_plugins = ("fixtures.app", "fixtures.live", "fixtures.live_clients")
