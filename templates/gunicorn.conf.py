# gunicorn settings for <%= app %>: written into each release (.deploy/gunicorn.conf.py) by
# deploy from templates/gunicorn.conf.py, so a rollback also brings back the previous values.
# Each slot's --bind comes from its program (supervisor or systemd).
<% if (workers) { -%>
workers = <%= workers %>
<% } else { -%>
# gunicorn_workers is not set: gunicorn's advice, 2 x the host's CPUs + 1 (at most 12).
import multiprocessing
workers = min(2 * multiprocessing.cpu_count() + 1, 12)
<% } -%>
threads = <%= threads %>
<% if (preload) { -%>
# gunicorn_preload = yes: the app is imported once, here in the slot's master, and each worker
# is forked from it: the slot answers as soon with many workers as with one, and they share the
# app's memory. A worker that gunicorn replaces (a timeout) is forked again, not imported again.
preload_app = True
<% } -%>
timeout = <%= timeout %>
# A slot being retired finishes its in-flight requests within this time.
graceful_timeout = <%= timeout %>
keepalive = 5
# Logs go to stdout/stderr: supervisor writes them to <%= logDir %>, systemd to the journal.
accesslog = "-"
errorlog = "-"
capture_output = True
forwarded_allow_ips = "127.0.0.1"


def worker_exit(server, worker):
    # A worker that stopped as asked (booted, then told to exit) ends here once the app's exit
    # handlers ran. Python's own teardown would free every object the app made, and with
    # preload_app each free writes to a page shared with the master, which is then copied:
    # half a second of CPU per worker, so a slot's stop took seconds. A worker that failed keeps
    # the usual exit and its status.
    if worker.booted and not worker.alive:
        import atexit, logging, os, sys
        atexit._run_exitfuncs()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
