import os
from html import escape

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static

from demo.pages.models import Visit

# Read once at import time, so a running process keeps reporting the
# version it was started with (useful when testing deploys/reloads).
VERSION = (settings.BASE_DIR / "VERSION").read_text().strip()


def home(request):
    Visit.objects.create()
    visits = Visit.objects.count()
    html = (
        "<!doctype html>\n<html><head><title>demo</title>"
        f'<link rel="stylesheet" href="{static("demo/style.css")}"></head>\n'
        f"<body><h1>demo app {escape(VERSION)}</h1>\n"
        f'<p>visits: <span id="visits">{visits}</span></p></body></html>\n'
    )
    return HttpResponse(html)


def version(request):
    """The release's page without the visit it records: a load that judges a deploy, not SQLite."""
    return HttpResponse(f"<!doctype html>\n<h1>demo app {escape(VERSION)}</h1>\n")


def health(request):
    return HttpResponse("ok", content_type="text/plain")


def env(request):
    return JsonResponse(
        {
            "settings": os.environ.get("DJANGO_SETTINGS_MODULE"),
            "config": os.environ.get("APP_CONFIG_FILE"),
            "debug": settings.DEBUG,
        }
    )
