"""Settings for the test suite: the base settings with a fixed key and fast password hashing."""

import os
from pathlib import Path

os.environ.setdefault("TOEGANG_SECRET_KEY", "test-key-not-secret")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STATIC_ROOT = None  # type: ignore[assignment]  # tests serve static files through the finders

(PROJECT_DIR / "var").mkdir(exist_ok=True)  # noqa: F405  # also when pytest runs without make
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # Test on a file, as the embedded default runs: WAL needs a file (an in-memory database ignores it).
    DATABASES["default"]["TEST"] = {"NAME": str(PROJECT_DIR / "var" / f"test-{os.getpid()}.sqlite3")}  # noqa: F405

# per process, unless a test's subprocess is given one (tests/test_backup.py)
DOCUMENT_ROOT = Path(os.environ.get("TOEGANG_DOCUMENT_ROOT") or PROJECT_DIR / "var" / f"test-documents-{os.getpid()}")  # noqa: F405
EXPORT_DIR = PROJECT_DIR / "var" / f"test-exports-{os.getpid()}"  # noqa: F405
WORKER = "inline"  # background jobs run when the test's transaction commits, in the test's thread
# the stub registry of the tests speaks http (tests/zgw_stub.py); tests/test_zgw_settings.py turns it off
ZGW_ALLOW_HTTP = True
BRP_FAKE = True  # the local BRP fake is mounted; tests point BRP_URL at it through live_server (tests/test_brp*.py)
BRP_FAKE_DEMO_PERSONS = False
# The replica of the steering pages (toegang/common/replica.py) as a second connection to the test
# database; routing to it is off except in tests/test_replica.py (REPLICA_READS), so that the other
# tests need not list it among their databases.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
if DATABASES["replica"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # a reader: no PRAGMA journal_mode (it needs the write lock the test's own transaction holds)
    DATABASES["replica"]["OPTIONS"] = {"timeout": 20}  # noqa: F405
REPLICA_READS = False
DIGID_SIMULATOR = PORTAL_ENABLED = True  # the portal's login runs against portal/simulator.py in tests
