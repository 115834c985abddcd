"""Bench-only settings: Duli's production settings, plus the ceiling view's URL.

Run the server with `--pythonpath bench` (gunicorn) or PYTHONPATH=bench and
DJANGO_SETTINGS_MODULE=duli_bench.settings. Nothing else differs from a real deployment,
so the ceiling and the storefront pages pay for the same middleware in the same process.
"""

from duli.conf.settings import *  # noqa: F403

ROOT_URLCONF = "duli_bench.urls"
