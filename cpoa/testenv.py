"""pytest plugin (-p cpoa.testenv), loaded before Django: development settings unless the caller says otherwise."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-production")
# The browser tests run Playwright's sync API, which keeps an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
