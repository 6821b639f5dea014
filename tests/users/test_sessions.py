"""Sessions that end when they should: sign-out ends every session of the person (and
their sockets), sign-in starts a fresh session with a new CSRF token and takes as long
for an unknown name, the lockout counts per name and per name+address, and every
password check counts. The kiosk's binding to its board token is in test_kiosk.py; a
real server and real Socket.IO clients in test_sessions_live.py."""
import re
import statistics
import time
from datetime import datetime, timedelta, timezone

from fixtures.app import PASSWORD, csrf_from, login
from sqlalchemy import select

from hotline.audit.models import AuditEvent
from hotline.core import clock
from hotline.core.extensions import db, socketio
from hotline.users.models import LoginEvent, Role, User
from hotline.users.services import check_password_counted, create_user
from hotline.users.sessions import end_sessions

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
A, B, C = ({"REMOTE_ADDR": f"10.0.0.{n}"} for n in (1, 2, 3))


def _audit(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


# --- sessions end ------------------------------------------------------------------------------


def test_sign_out_ends_every_session_of_the_person(app, session_client):
    seat_1, _ = session_client("operator")
    seat_2, token_2 = session_client("operator")
    colleague, _ = session_client("dispatcher")
    assert seat_1.get("/api/v1/tickets").status_code == 200
    assert seat_2.post("/logout", data={"csrf_token": token_2}).status_code == 302
    assert seat_1.get("/api/v1/tickets").status_code == 401
    assert seat_2.get("/api/v1/tickets").status_code == 401
    assert colleague.get("/api/v1/tickets").status_code == 200  # nobody else's
    [out] = _audit(app, "auth.sign_out")
    assert out.target_type == "user" and out.actor_name == "Operator One"
    # signing in again works, with a new session
    fresh = app.test_client()
    assert login(fresh, "operator")[0].status_code == 302
    assert fresh.get("/api/v1/tickets").status_code == 200


def test_end_sessions_ends_a_signed_in_cookie(app, session_client, users):
    client, _ = session_client("supervisor")
    cookie = client.get_cookie("session").value
    with app.app_context():
        end_sessions(db.session.get(User, users["supervisor"]))
        db.session.commit()
    assert client.get("/api/v1/tickets").status_code == 401
    # the very same cookie, replayed by anyone: still refused
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/api/v1/tickets").status_code == 401


def test_a_socket_of_an_ended_session_is_disconnected(app, session_client, users):
    """In one process the receiver disconnects at the commit; every socket event
    checks the session too (a socket another process's message missed)."""
    client, _ = session_client("dispatcher")
    sock = socketio.test_client(app, flask_test_client=client)
    assert sock.is_connected()
    assert "rooms" in sock.emit("hello", {}, callback=True)
    with app.app_context():
        end_sessions(db.session.get(User, users["dispatcher"]))
        db.session.commit()
    assert not sock.is_connected()  # (the `session.ended` it was told: test_sessions_live.py)


def test_every_socket_event_checks_the_session(app, session_client, users):
    """A change the receiver never saw (another process wrote it, no queue): the
    next event finds the session stale and disconnects."""
    client, _ = session_client("dispatcher")
    sock = socketio.test_client(app, flask_test_client=client)
    assert sock.emit("ping", 1, callback=True) == {"pong": 1}
    with app.app_context():  # as another process would: no signal, only the row
        db.session.get(User, users["dispatcher"]).session_version += 1
        db.session.commit()
    assert sock.emit("ping", 2, callback=True) == {"error": "not connected"}
    assert not sock.is_connected()
    # and a new connection with that cookie is refused
    assert not socketio.test_client(app, flask_test_client=client).is_connected()


def test_the_session_watch_ends_stale_sockets(app, session_client, users):
    from hotline.live.sockets import check_sessions

    client, _ = session_client("board")
    sock = socketio.test_client(app, flask_test_client=client)
    with app.app_context():
        db.session.get(User, users["board"]).active = False  # deactivated from the CLI, say
        db.session.commit()
    assert check_sessions(app) >= 1  # (sockets other tests left behind in this process may count too)
    assert not sock.is_connected()


# --- sign-in: a fresh session, a new CSRF token, the same time ----------------------------------------


def _raw_csrf(client) -> str | None:
    with client.session_transaction() as s:
        return s.get("csrf_token")


def test_sign_in_clears_the_session_and_rotates_the_csrf_token(app, client, users):
    before = csrf_from(client.get("/login").get_data(as_text=True))
    raw_before = _raw_csrf(client)
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
    r = client.post("/login", data={"username": "operator", "password": PASSWORD, "csrf_token": before})
    assert r.status_code == 302
    with client.session_transaction() as s:
        assert "planted" not in s and "csrf_token" not in s
    after = csrf_from(client.get("/settings").get_data(as_text=True))
    assert after != before and _raw_csrf(client) != raw_before
    # the token from before sign-in is worthless now; the new one works
    assert client.post("/settings", data={"locale": "en", "csrf_token": before}).status_code == 400
    assert client.post("/settings", data={"locale": "en", "csrf_token": after}).status_code == 302


def test_sign_in_takes_as_long_for_an_unknown_name(app, users):
    """Mean time of 10 failed sign-ins for a real name and for unknown names: within 30%.
    A hash as slow as production's makes the difference visible if there is one."""
    app.config.update(PASSWORD_HASH_METHOD="scrypt:16384:8:1", LOGIN_MAX_FAILURES=1000,
                      LOGIN_MAX_FAILURES_PER_USER=1000)
    with app.app_context():
        create_user("timed", PASSWORD, Role.OPERATOR)
        db.session.commit()
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))

    def attempt(name: str) -> float:
        start = time.perf_counter()
        r = client.post("/login", data={"username": name, "password": "a wrong guess", "csrf_token": token})
        took = time.perf_counter() - start
        assert r.status_code == 401
        return took

    for i in range(2):  # warm up (the dummy hash is made once)
        attempt("timed"), attempt(f"warm{i}")
    known, unknown = [], []
    for i in range(10):
        known.append(attempt("timed"))
        unknown.append(attempt(f"ghost{i}"))
    k, u = statistics.mean(known), statistics.mean(unknown)
    print(f"sign-in: known {k * 1000:.1f} ms, unknown {u * 1000:.1f} ms")
    assert abs(u - k) / k < 0.30, (k, u)


def test_sign_in_and_failures_are_audited(app, client, users):
    login(client, "operator", "wrong")
    login(client, "nobody-here", "wrong")
    login(client, "operator")
    failed = _audit(app, "auth.sign_in_failed")
    assert [f.detail["username"] for f in failed] == ["operator", "nobody-here"]
    assert failed[0].target_id == str(users["operator"]) and failed[1].target_id is None
    [ok] = _audit(app, "auth.sign_in")
    assert ok.actor_id == users["operator"]


# --- lockout -----------------------------------------------------------------------------------


def test_random_names_from_one_address_do_not_lock_a_real_user_out(app, users):
    clock.freeze(T0)
    for i in range(30):
        assert login(app.test_client(), f"random{i}", "x", environ_base=A)[0].status_code == 401
    assert login(app.test_client(), "operator", environ_base=A)[0].status_code == 302


def test_a_name_locked_from_one_address_signs_in_from_another_until_the_total(app, users):
    clock.freeze(T0)
    app.config["LOGIN_MAX_FAILURES_PER_USER"] = 8
    per_address = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(per_address):
        assert login(app.test_client(), "operator", "wrong", environ_base=A)[0].status_code == 401
    assert login(app.test_client(), "operator", environ_base=A)[0].status_code == 429
    assert login(app.test_client(), "operator", environ_base=B)[0].status_code == 302
    for _ in range(8 - per_address):  # from a third address, up to the total
        assert login(app.test_client(), "operator", "wrong", environ_base=C)[0].status_code == 401
    assert login(app.test_client(), "operator", environ_base=B)[0].status_code == 429
    assert login(app.test_client(), "supervisor", environ_base=A)[0].status_code == 302  # colleagues unaffected
    clock.advance(timedelta(minutes=app.config["LOGIN_LOCKOUT_MINUTES"], seconds=1))
    assert login(app.test_client(), "operator", environ_base=A)[0].status_code == 302


def test_counted_password_checks_count_and_are_refused_when_locked(ctx, user_of):
    clock.freeze(T0)
    op = user_of("operator")
    limit = ctx.config["LOGIN_MAX_FAILURES"]
    assert check_password_counted(op, PASSWORD, "10.0.0.9", "ua")
    for _ in range(limit):
        assert not check_password_counted(op, "wrong", "10.0.0.9", "ua")
    assert not check_password_counted(op, PASSWORD, "10.0.0.9", "ua")  # locked: even the right one
    assert check_password_counted(op, PASSWORD, "10.0.0.8", "ua")  # another address: not yet
    reasons = db.session.scalars(select(LoginEvent.reason).where(LoginEvent.username == "operator")
                                 .order_by(LoginEvent.id)).all()
    assert reasons == ["invalid"] * limit + ["locked"]


def test_failures_stay_counted_when_the_request_rolls_back(ctx, user_of):
    op = user_of("operator")
    assert not check_password_counted(op, "wrong", "10.0.0.9", None)
    db.session.rollback()  # the caller's error answer
    assert db.session.scalar(select(LoginEvent).where(LoginEvent.username == "operator")).reason == "invalid"


def test_an_inactive_name_answers_as_an_unknown_one(app, users):
    with app.app_context():
        db.session.get(User, users["crew"]).active = False
        db.session.commit()
    answers = []
    for name in ("crew", "nobody-at-all"):
        r, _ = login(app.test_client(), name)
        body = re.sub(r'(value|content)="[^"]*"', "", r.get_data(as_text=True))  # CSRF tokens, the name typed
        answers.append((r.status_code, body))
    assert answers[0] == answers[1] and answers[0][0] == 401
