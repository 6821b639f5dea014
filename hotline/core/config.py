"""Configuration from the environment, with safe defaults for one machine."""
import os
import secrets
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _instance_path() -> Path:
    return Path(os.environ.get("HOTLINE_INSTANCE", PROJECT_ROOT / "instance"))


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "secret_key"
    if not key_file.exists():
        # O_EXCL: two workers starting at once must not write two different keys.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        except FileExistsError:
            pass
    return key_file.read_text().strip()


def load_config() -> dict:
    instance = _instance_path()
    instance.mkdir(parents=True, exist_ok=True)
    tz_name = os.environ.get("HOTLINE_TIMEZONE", "Asia/Shanghai")
    ZoneInfo(tz_name)  # fail at start-up, not at the first ticket
    return {
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'hotline.db'}"
        ),
        "REDIS_URL": os.environ.get("REDIS_URL"),
        # Several processes (web workers, `flask sla-worker`) share Socket.IO rooms through it.
        "SOCKETIO_QUEUE": os.environ.get("REDIS_URL"),
        # Seconds between `live.head` messages (each room's last seq) to the live screens; 0: none.
        "LIVE_HEAD_SECONDS": float(os.environ.get("HOTLINE_LIVE_HEAD_SECONDS", "5")),
        # The engine.io ping: the server pings every live page this often and a page that hears
        # nothing for both together drops the connection (a wall board shows the outage): 4.5 s.
        # (Socket.IO's own defaults, 25 + 20 s, would leave a board silently stale for 45 s.)
        "LIVE_PING_SECONDS": float(os.environ.get("HOTLINE_LIVE_PING_SECONDS", "2")),
        "LIVE_PING_TIMEOUT_SECONDS": float(os.environ.get("HOTLINE_LIVE_PING_TIMEOUT_SECONDS", "2.5")),
        "HOTLINE_TIMEZONE": tz_name,
        "HOTLINE_REGION": os.environ.get("HOTLINE_REGION", "CN"),
        # The center's own area code (区号, e.g. 27): a landline typed without it is taken as local.
        "HOTLINE_AREA_CODE": os.environ.get("HOTLINE_AREA_CODE", "").lstrip("0"),
        # The center's name at the head of a printed work order (e.g. 武汉市供水热线中心); empty: "Hotline".
        "HOTLINE_CENTER_NAME": os.environ.get("HOTLINE_CENTER_NAME", ""),
        # The center's language: for whoever has not chosen one (the wall board, the kiosk).
        # Empty: follow each browser's Accept-Language instead.
        "HOTLINE_LOCALE": (center_locale := os.environ.get("HOTLINE_LOCALE", "zh_CN")),
        "BABEL_DEFAULT_LOCALE": center_locale or "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": tz_name,
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("HOTLINE_SECURE_COOKIES") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        # Served over HTTPS (HOTLINE_SECURE_COOKIES=1): browsers told to keep to it for a year.
        "HSTS_SECONDS": 31536000 if os.environ.get("HOTLINE_SECURE_COOKIES") == "1" else 0,
        # Proxies in front that set X-Forwarded-For/-Proto (nginx: 1): the client's address
        # is then theirs to tell (rate limits, sign-in lockout, audit). 0: none trusted.
        "PROXIES": int(os.environ.get("HOTLINE_PROXIES", "0")),
        # Rate limits (hotline/core/ratelimit.py), in Flask-Limiter's notation; counts in
        # Redis when REDIS_URL is set (shared by the web processes), else in memory.
        "RATELIMIT_ENABLED": os.environ.get("HOTLINE_RATELIMIT_ENABLED", "1") == "1",
        "RATELIMIT_API": os.environ.get("HOTLINE_RATELIMIT_API", "600 per minute"),
        "RATELIMIT_LOGIN": os.environ.get("HOTLINE_RATELIMIT_LOGIN", "30 per minute"),
        "RATELIMIT_LOGIN_USER": os.environ.get("HOTLINE_RATELIMIT_LOGIN_USER", "10 per minute"),
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": os.environ.get("HOTLINE_SECURE_COOKIES") == "1",
        # Only a wall screen's kiosk sign-in is remembered; its cookie lasts this long at most.
        "REMEMBER_COOKIE_DURATION": timedelta(days=int(os.environ.get("HOTLINE_REMEMBER_DAYS", "30"))),
        "WTF_CSRF_TIME_LIMIT": None,  # a console stays open all shift
        "PASSWORD_HASH_METHOD": os.environ.get("HOTLINE_PASSWORD_HASH", "scrypt"),
        # Lockout (hotline/users/services.py): a name is refused after LOGIN_MAX_FAILURES wrong
        # passwords from one address, or LOGIN_MAX_FAILURES_PER_USER from all addresses, within
        # LOGIN_LOCKOUT_MINUTES. An address alone is never locked (a center's seats share one).
        "LOGIN_MAX_FAILURES": int(os.environ.get("HOTLINE_LOGIN_MAX_FAILURES", "5")),
        "LOGIN_MAX_FAILURES_PER_USER": int(os.environ.get("HOTLINE_LOGIN_MAX_FAILURES_PER_USER", "20")),
        "LOGIN_LOCKOUT_MINUTES": int(os.environ.get("HOTLINE_LOGIN_LOCKOUT_MINUTES", "15")),
        # A password a person picks: at least this long, and at least this zxcvbn score (0-4).
        "HOTLINE_PASSWORD_MIN_LENGTH": int(os.environ.get("HOTLINE_PASSWORD_MIN_LENGTH", "10")),
        "HOTLINE_PASSWORD_MIN_SCORE": int(os.environ.get("HOTLINE_PASSWORD_MIN_SCORE", "3")),
        "MAX_CONTENT_LENGTH": 1 * 1024 * 1024,
        "JSON_SORT_KEYS": False,
        # SLA enforcement: "embedded" (a scheduler in the web process, wsgi.py),
        # "worker" (the web starts none; run `flask sla-worker`), or "off".
        "SLA_SCHEDULER": (sla_mode := os.environ.get("HOTLINE_SLA_SCHEDULER", "embedded")),
        "SLA_SAFETY_SWEEP_SECONDS": int(os.environ.get("HOTLINE_SLA_SAFETY_SWEEP_SECONDS", "60")),
        # Looking for deadlines written by other processes: in worker mode that is every
        # deadline; embedded, only the odd CLI import, so a cheaper interval.
        "SLA_PEEK_SECONDS": float(os.environ.get("HOTLINE_SLA_PEEK_SECONDS", "1" if sla_mode == "worker" else "10")),
        # Minutes an escalation waits for acknowledgement before it climbs: unit -> supervisor -> manager.
        "SLA_ESCALATE_AFTER_MINUTES": [
            int(m) for m in os.environ.get("HOTLINE_SLA_ESCALATE_AFTER_MINUTES", "15,30").split(",")
        ],
        # 连班: a person needs at least this rest between two shifts, or a supervisor approves (rules 1.5)
        "ROSTER_MIN_REST_HOURS": float(os.environ.get("HOTLINE_ROSTER_MIN_REST_HOURS", "8")),
        "CALLBACK_RETRY_MINUTES": int(os.environ.get("HOTLINE_CALLBACK_RETRY_MINUTES", "60")),
        "CALLBACK_MAX_ATTEMPTS": int(os.environ.get("HOTLINE_CALLBACK_MAX_ATTEMPTS", "3")),
    }
