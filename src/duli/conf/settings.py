"""Django settings for Duli. Operator values come from `duli.conf.env`; nothing here is secret."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import environ

from duli.conf import env as E

PACKAGE_DIR = Path(__file__).resolve().parent.parent
E.DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use DULI_SECRET_KEY, or a key made once and kept in the data directory."""
    if E.SECRET_KEY:
        return E.SECRET_KEY
    path = E.DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
SECRET_KEY_FALLBACKS = E.SECRET_KEY_FALLBACKS
DEBUG = E.DEBUG
ALLOWED_HOSTS = E.ALLOWED_HOSTS

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_tasks_db",
    "django_htmx",
    "parler",
    "duli.core",
    "duli.customers",
    "duli.catalog",
    "duli.inventory",
    "duli.tax",
    "duli.shipping",
    "duli.payments",
    "duli.checkout",
    "duli.orders",
    "duli.testpay",
    "duli.storefront",
    # Shopper accounts. After duli.storefront, so the shop's templates override allauth's.
    "allauth",
    "allauth.account",
    "duli.dashboard",
    "duli.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "duli.core.middleware.RequestMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "duli.core.middleware.OutOfRangeNumberMiddleware",
]

ROOT_URLCONF = "duli.conf.urls"
WSGI_APPLICATION = "duli.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [E.DATA_DIR / "templates"],  # operator overrides win over the package's
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "duli.core.context_processors.shop",
            ],
        },
    }
]

_db: dict[str, Any] = dict(environ.Env.db_url_config(E.DATABASE_URL))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of
        # failing mid-transaction; WAL lets readers run beside the writer.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=30000; PRAGMA cache_size=-20000; PRAGMA mmap_size=134217728;"
        ),
    }
# Persistent connections on both engines: on SQLite a new connection per request also
# re-runs the PRAGMAs above, which costs more than the request itself on cached pages.
_db["CONN_MAX_AGE"] = 60
_db["CONN_HEALTH_CHECKS"] = True
_db.setdefault("TEST", {})
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES: dict[str, dict[str, Any]]
if E.REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": E.REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if E.TASKS_BACKEND == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

AUTH_USER_MODEL = "customers.User"
# Where Django's login_required sends visitors: the staff sign-in. Shopper pages name the
# shop's sign-in page (allauth's `account_login`) themselves.
LOGIN_URL = "dashboard:login"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # the dashboard's email + password form
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Shopper accounts (django-allauth): email and password, no username. Verification is
# offered by email but never required, so checkout works for an unverified account.
LOGIN_REDIRECT_URL = "storefront:account"
ACCOUNT_ADAPTER = "duli.storefront.account_adapter.ShopAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # one address per shopper, changed by verifying the new one
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_LOGOUT_REDIRECT_URL = "storefront:home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # the adapter names the shop instead of the host
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if E.SECURE else "http"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",  # 5 wrong passwords per address in 5 minutes
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
PARLER_DEFAULT_LANGUAGE_CODE = "en"
PARLER_LANGUAGES = {
    None: ({"code": "en"}, {"code": "zh-hans"}),
    "default": {"fallbacks": ["en"], "hide_untranslated": False},
}

STATIC_URL = "/static/"
STATIC_ROOT = E.STATIC_ROOT
MEDIA_URL = E.MEDIA_URL
MEDIA_ROOT = E.MEDIA_ROOT
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024


def _mailer(url: str) -> dict[str, object]:
    """DULI_EMAIL_URL (smtp://user:pass@host:port, smtp+tls://…, consolemail://) as a mailer."""
    cfg = environ.Env.email_url_config(url)
    options = {
        key: cfg[src]
        for src, key in [
            ("EMAIL_HOST", "host"),
            ("EMAIL_PORT", "port"),
            ("EMAIL_HOST_USER", "username"),
            ("EMAIL_HOST_PASSWORD", "password"),
            ("EMAIL_USE_TLS", "use_tls"),
            ("EMAIL_USE_SSL", "use_ssl"),
        ]
        if cfg.get(src) not in (None, "")
    }
    if cfg["EMAIL_BACKEND"] != "django.core.mail.backends.smtp.EmailBackend":
        options = {}
    else:
        options.setdefault(
            "timeout", 30
        )  # a server that drops connections must not hang the worker
    return {"BACKEND": cfg["EMAIL_BACKEND"], "OPTIONS": options}


MAILERS = {"default": _mailer(E.EMAIL_URL)}
DEFAULT_FROM_EMAIL = E.DEFAULT_FROM_EMAIL

# Security headers. The CSP is strict: no inline script, no eval.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "https:"],
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if E.SECURE:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

DULI_PAGE_CACHE_SECONDS = E.PAGE_CACHE_SECONDS
DULI_SEARCH_BACKEND = E.SEARCH_BACKEND
DULI_SERVE_MEDIA = E.SERVE_MEDIA
DULI_DATA_DIR = E.DATA_DIR
DULI_SITE_URL = E.SITE_URL
