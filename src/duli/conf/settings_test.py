"""Settings for the test suite: the real settings with fast, isolated defaults.

The database comes from DULI_DATABASE_URL like everywhere else, so the same suite runs on
SQLite (default) and PostgreSQL (CI's second leg).
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DULI_DATA_DIR", os.path.join(tempfile.gettempdir(), "duli-test"))
os.environ.setdefault("DULI_TASKS_BACKEND", "immediate")
os.environ.setdefault("DULI_PAGE_CACHE_SECONDS", "0")

from duli.conf.settings import *  # noqa: F403
from duli.conf.settings import CACHES, DATABASES, STATIC_ROOT, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ["DULI_DATA_DIR"]) / f"media-{os.getpid()}"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # An on-disk test database, so threads and live servers share it.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(os.environ["DULI_DATA_DIR"], f"test-{os.getpid()}.sqlite3")
    }

_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # One Redis database per test process: cache.clear() flushes only its own.
    CACHES["default"]["LOCATION"] = (
        CACHES["default"]["LOCATION"].rsplit("/", 1)[0] + f"/{int(_worker) + 1}"
    )
