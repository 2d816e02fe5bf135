"""The release's version, read once when the app starts.

A running process keeps reporting the version it was started with (what the deploy tests
look at: a slot that was not restarted still says the old one)."""
from django.conf import settings

VERSION = (settings.BASE_DIR / "VERSION").read_text().strip()
