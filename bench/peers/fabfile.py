"""The Fabric 2 contender of `npm run bench -- --peers`, in the style of seed 002's fabfile:
the same release deploy as `deploy` (fetch, export, virtualenv reused by requirements hash,
collectstatic, migrate, symlink switch, gunicorn restart, keep 5), as a Fabric user writes it,
one remote command per step, logged in as the deploy user.

    fab -i KEY -H django@HOST deploy
    fab -i KEY -H django@HOST rollback
    fab -i KEY fleet --targets django@HOST1,django@HOST2     # every host at once

BENCH_APP=demo|shop names the example app (default demo).
"""
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from fabric import Connection, task

NAME = os.environ.get("BENCH_APP", "demo")
APP = f"/opt/django/apps/{NAME}"
VENVS = f"/opt/django/virtualenvs/{NAME}"
BRANCH = "main"
MAX_DEPLOYED_VERSIONS = 5
# Inline, not Fabric's env=: that sends SSH environment requests, which sshd ignores by default.
ENV = f"DJANGO_SETTINGS_MODULE={NAME}.settings.prod APP_CONFIG_FILE=/opt/django/configs/apps/{NAME}.conf"


def _releases(c):
    return c.run(f"ls -1 {APP}/releases", hide=True).stdout.split()


def _switch(c, release):
    # Atomic: a new link renamed over `current`, never a moment without one.
    c.run(f"ln -sfn {APP}/releases/{release} {APP}/current.tmp && mv -T {APP}/current.tmp {APP}/current")
    c.run(f"sudo -n supervisorctl restart {NAME}-a", hide=True)


def _deploy(c):
    c.run(f"git -C {APP}/repo fetch --prune --quiet origin")
    commit = c.run(f"git -C {APP}/repo rev-parse {BRANCH}^{{commit}}", hide=True).stdout.strip()
    release = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{commit[:8]}"
    path = f"{APP}/releases/{release}"
    c.run(f"mkdir -p {path}")
    c.run(f"git -C {APP}/repo archive {commit} | tar -x -C {path}")
    c.run(" && ".join(f"ln -sfn {APP}/shared/{d} {path}/{d}" for d in ("media", "data", "log")))

    # One virtualenv per requirements.txt and Python version, reused while they stay the same.
    key = c.run(f"cat {path}/requirements.txt <(python3 --version) | sha256sum", hide=True).stdout[:16]
    venv = f"{VENVS}/fab-{key}"
    if c.run(f"test -f {venv}/.ok", warn=True, hide=True).failed:
        c.run(f"python3 -m venv --system-site-packages {venv}")
        c.run(f"{venv}/bin/pip install -q --disable-pip-version-check --no-index -r {path}/requirements.txt")
        c.run(f"touch {venv}/.ok")
    c.run(f"ln -sfn {venv} {path}/.venv")

    with c.cd(path):
        c.run(f"{ENV} .venv/bin/python manage.py collectstatic --noinput -v0")
        c.run(f"{ENV} .venv/bin/python manage.py migrate --noinput -v0")
    _switch(c, release)

    old = sorted(_releases(c))[:-MAX_DEPLOYED_VERSIONS]
    if old:
        c.run("rm -rf " + " ".join(f"{APP}/releases/{r}" for r in old))


@task
def deploy(c):
    """Deploy the branch's head as a new release."""
    _deploy(c)


@task
def rollback(c):
    """Go back to the release before the live one."""
    current = c.run(f"basename $(readlink {APP}/current)", hide=True).stdout.strip()
    older = [r for r in sorted(_releases(c)) if r < current]
    if not older:
        raise SystemExit("nothing older to roll back to")
    _switch(c, older[-1])


@task
def fleet(c, targets):
    """Deploy to many hosts at once: a thread per host, as ThreadingGroup does. (A Group runs
    one command on every host at a time; a deploy's steps depend on each host's answers.)"""
    conns = [Connection(t, config=c.config) for t in targets.split(",")]
    with ThreadPoolExecutor(len(conns)) as pool:
        for f in [pool.submit(_deploy, conn) for conn in conns]:
            f.result()
