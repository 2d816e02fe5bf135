#!/usr/bin/env bash
# Counting remote commands on the server, not trusting the tools: makes a login shell that logs
# every exec request sshd hands it (sshd runs `SHELL -c COMMAND`) and then is bash, and gives it
# to the bench's SSH users. A script sent on the stdin of one `bash -s` is one command here.
# Run as root on a test host:  count-shell.sh USER...
set -euo pipefail
cat > /usr/local/bin/bench-shell <<'SH'
#!/bin/bash
if [ "${1-}" = -c ]; then c=${2//$'\n'/\\n}; printf '%s %s\n' "$USER" "${c:0:400}" >> /var/log/bench-shell.log
else printf '%s (login shell)\n' "$USER" >> /var/log/bench-shell.log; fi
exec -a "$0" /bin/bash "$@"
SH
chmod 755 /usr/local/bin/bench-shell
: > /var/log/bench-shell.log && chmod 666 /var/log/bench-shell.log
for u in "$@"; do usermod -s /usr/local/bin/bench-shell "$u"; done
