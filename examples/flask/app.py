"""A minimal plain-WSGI (Flask) app for the deploy tool's examples and tests.

gunicorn serves it as `app:app`. No Django: no manage.py, so deploy skips
collectstatic and migrate. Needs only Flask (Debian 12's python3-flask in a
--system-site-packages virtualenv).
"""
import os
from html import escape
from pathlib import Path

from flask import Flask, Response

app = Flask(__name__)

# Read once at import time, so a running process keeps reporting the version
# it was started with (tests tell releases apart by it).
VERSION = (Path(__file__).resolve().parent / "VERSION").read_text().strip()


@app.get("/")
def home():
    return (
        "<!doctype html>\n<html><head><title>flask</title></head>\n"
        f"<body><h1>flask app {escape(VERSION)}</h1></body></html>\n"
    )


@app.get("/health")
def health():
    return Response("ok", mimetype="text/plain")


@app.get("/env")
def env():
    return Response(os.environ.get("GREETING", "unset"), mimetype="text/plain")
