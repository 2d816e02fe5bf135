"""Production settings, read from the INI file named by $APP_CONFIG_FILE.

    [django]
    secret_key = ...
    debug = false
    allowed_hosts = example.com,www.example.com
    static_root = /srv/shop/static
    media_root = /srv/shop/media
    database_url = sqlite:////srv/shop/db.sqlite3
    # or: postgres://user:pass@host:5432/name

    [email]
    default_from_email =
    email_host =
    email_host_password =
    email_host_user =
    email_port =
    email_use_tls =
    email_use_ssl =
"""
import configparser
import os
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403


def _load_config():
    path = os.environ.get("APP_CONFIG_FILE")
    if not path:
        raise ImproperlyConfigured(
            "APP_CONFIG_FILE is not set; it must point to the app's INI config file."
        )
    # No interpolation: secret keys and passwords may contain '%'.
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8") as f:
            parser.read_file(f)
    except OSError as e:
        raise ImproperlyConfigured(f"Cannot read APP_CONFIG_FILE={path!r}: {e}") from e
    except configparser.Error as e:
        raise ImproperlyConfigured(f"Invalid APP_CONFIG_FILE={path!r}: {e}") from e
    if not parser.has_section("django"):
        raise ImproperlyConfigured(f"APP_CONFIG_FILE={path!r} has no [django] section.")
    return path, parser


def _get(section, key, required=False):
    value = CONFIG.get(section, key, fallback="").strip()
    if required and not value:
        raise ImproperlyConfigured(f"[{section}] {key} is required in {CONFIG_FILE}.")
    return value


def _get_bool(section, key, default=False):
    value = _get(section, key)
    if not value:
        return default
    try:
        return CONFIG.BOOLEAN_STATES[value.lower()]
    except KeyError:
        raise ImproperlyConfigured(
            f"[{section}] {key} = {value!r} is not a boolean (use true/false)."
        ) from None


def parse_database_url(url):
    """Turn sqlite:////abs/path or postgres://user:pass@host:port/name into a
    DATABASES entry. Only the engine name is set, so psycopg2 is needed only
    when a PostgreSQL connection is actually opened."""
    if url.startswith("sqlite:///"):
        name = url[len("sqlite:///"):]
        if not name.startswith("/"):
            raise ImproperlyConfigured(
                f"sqlite database_url must be absolute (sqlite:////path/to/db.sqlite3), got {url!r}."
            )
        # SQLite takes one writer at a time; while a deploy runs two slots (and its migrations)
        # on one file, a write waits up to 30 s for the lock instead of sqlite3's 5 s, after
        # which the request would fail with "database is locked".
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name, "OPTIONS": {"timeout": 30}}

    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        db = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": unquote(parts.hostname or ""),
            "PORT": str(parts.port or ""),
        }
        if not db["NAME"]:
            raise ImproperlyConfigured(f"database_url {url!r} has no database name.")
        if parts.query:  # e.g. ?sslmode=require
            db["OPTIONS"] = dict(parse_qsl(parts.query))
        return db

    raise ImproperlyConfigured(
        f"Unsupported database_url {url!r}; use sqlite:////abs/path or postgres://..."
    )


CONFIG_FILE, CONFIG = _load_config()

# [django]
SECRET_KEY = _get("django", "secret_key", required=True)
DEBUG = _get_bool("django", "debug", default=False)
ALLOWED_HOSTS = [h.strip() for h in _get("django", "allowed_hosts").split(",") if h.strip()]
STATIC_ROOT = _get("django", "static_root") or None
MEDIA_ROOT = _get("django", "media_root") or ""
DATABASES = {"default": parse_database_url(_get("django", "database_url", required=True))}

# [email] -- empty or missing values keep Django's defaults.
if _get("email", "default_from_email"):
    DEFAULT_FROM_EMAIL = SERVER_EMAIL = _get("email", "default_from_email")
if _get("email", "email_host"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _get("email", "email_host")
    EMAIL_HOST_USER = _get("email", "email_host_user")
    EMAIL_HOST_PASSWORD = _get("email", "email_host_password")
    if _get("email", "email_port"):
        try:
            EMAIL_PORT = int(_get("email", "email_port"))
        except ValueError:
            raise ImproperlyConfigured("[email] email_port must be an integer.") from None
    EMAIL_USE_TLS = _get_bool("email", "email_use_tls")
    EMAIL_USE_SSL = _get_bool("email", "email_use_ssl")
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured("[email] email_use_tls and email_use_ssl are mutually exclusive.")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
