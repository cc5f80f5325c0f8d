"""Settings for the test suite: the real settings with a throw-away data folder and fast hashing.

The database is whatever ``KEFU_DATABASE_URL`` names (SQLite by default); ``make test`` runs the
suite once on SQLite and once on PostgreSQL.
"""

import atexit
import os
import shutil
import tempfile

if "KEFU_DATA_DIR" not in os.environ:
    # A throw-away folder, removed when this run ends. Child processes that tests start inherit
    # it through the environment and so do not remove it themselves.
    os.environ["KEFU_DATA_DIR"] = tempfile.mkdtemp(prefix="kefu-test-")
    atexit.register(shutil.rmtree, os.environ["KEFU_DATA_DIR"], ignore_errors=True)
# Each pytest-xdist worker keeps its files (uploads, exports, backups) in a folder of its own
# inside the run's; the processes a test starts inherit it and stay in it.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker and os.path.basename(os.environ["KEFU_DATA_DIR"].rstrip("/")) != _worker:
    os.environ["KEFU_DATA_DIR"] = os.path.join(os.environ["KEFU_DATA_DIR"], _worker)
    os.makedirs(os.environ["KEFU_DATA_DIR"], exist_ok=True)
os.environ.setdefault("KEFU_SECRET_KEY", "kefu-tests-only-not-a-secret")
# Order numbers inside the order's transaction, so a test's rollback takes them back too; the
# numbering tests start processes with the production default (a connection of their own).
os.environ.setdefault("KEFU_NUMBERS_OWN_CONNECTION", "0")

from config.settings import *  # noqa: E402, F403 - the environment above comes first

# Hashing with Argon2 costs tens of milliseconds per user; tests build many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
HUEY = {"huey_class": "huey.MemoryHuey", "name": "kefu-tests", "immediate": True}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
