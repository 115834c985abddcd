"""Every operator setting, read from `DULI_*` environment variables in this one place.

With none set, the embedded default runs: SQLite in `DULI_DATA_DIR`, files on disk, an
in-process cache and the database task queue. `docs/operations.md` lists each variable.
"""

from __future__ import annotations

from pathlib import Path

import environ

env = environ.Env()

DEBUG: bool = env.bool("DULI_DEBUG", default=False)
DATA_DIR: Path = Path(env.str("DULI_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()
SECRET_KEY: str = env.str("DULI_SECRET_KEY", default="")
# Earlier secret keys, still accepted while stored secrets are re-encrypted (secrets_rotate).
SECRET_KEY_FALLBACKS: list[str] = env.list("DULI_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS: list[str] = env.list("DULI_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
DATABASE_URL: str = env.str("DULI_DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'duli.sqlite3'}")
REDIS_URL: str = env.str("DULI_REDIS_URL", default="")
TASKS_BACKEND: str = env.str("DULI_TASKS_BACKEND", default="database")  # database | immediate
MEDIA_URL: str = env.str("DULI_MEDIA_URL", default="/media/")
MEDIA_ROOT: Path = Path(env.str("DULI_MEDIA_ROOT", default=str(DATA_DIR / "media")))
STATIC_ROOT: Path = Path(env.str("DULI_STATIC_ROOT", default=str(DATA_DIR / "static")))
SERVE_MEDIA: bool = env.bool("DULI_SERVE_MEDIA", default=True)
EMAIL_URL: str = env.str("DULI_EMAIL_URL", default="consolemail://")
DEFAULT_FROM_EMAIL: str = env.str("DULI_DEFAULT_FROM_EMAIL", default="shop@localhost")
# The shop's public address, for absolute links in emails and documents (no trailing slash).
SITE_URL: str = env.str("DULI_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SECURE: bool = env.bool("DULI_SECURE", default=False)  # behind HTTPS: HSTS, secure cookies
PAGE_CACHE_SECONDS: int = env.int("DULI_PAGE_CACHE_SECONDS", default=300)
SEARCH_BACKEND: str = env.str("DULI_SEARCH_BACKEND", default="auto")  # auto | sqlite | postgres
