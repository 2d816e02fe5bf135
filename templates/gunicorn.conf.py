# gunicorn settings for <%= app %>, shared by both slots; each slot's --bind comes
# from its supervisor program. Written by deploy from templates/gunicorn.conf.py.
workers = <%= workers %>
timeout = <%= timeout %>
# A slot being retired finishes its in-flight requests within this time.
graceful_timeout = <%= timeout %>
keepalive = 5
# Logs go to stdout/stderr, which supervisor writes to <%= logDir %>.
accesslog = "-"
errorlog = "-"
capture_output = True
forwarded_allow_ips = "127.0.0.1"
