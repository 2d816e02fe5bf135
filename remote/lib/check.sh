# shellcheck shell=bash
# What `deploy <app> check` reads on a server (and setup, before it changes anything): read-only,
# as the login user, then as root where sudo allows (src/steps/check.ts; src/check.ts judges).

# deploy_check_os: "<id> <version id> <pretty name>" of /etc/os-release.
deploy_check_os() {
  local ID='' VERSION_ID='' PRETTY_NAME=''
  # shellcheck source=/dev/null
  . /etc/os-release 2>/dev/null || true
  printf '%s %s %s\n' "${ID:-unknown}" "${VERSION_ID:-?}" "${PRETTY_NAME:-unknown}"
}
# deploy_check_sudo: yes when the login user is root or may use sudo without a password, else no.
deploy_check_sudo() {
  if [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; then echo yes; else echo no; fi
}
# deploy_check_disk DIR: "<free KiB> <mount point>" of the filesystem DIR is (or would be) on.
deploy_check_disk() {
  local d=$1
  while [ ! -e "$d" ]; do d=${d%/*}; d=${d:-/}; done
  df -Pk -- "$d" | awk 'NR == 2 { print $4, $6 }'
}
# deploy_check_clock: this server's clock, in seconds since the epoch (with its fraction).
deploy_check_clock() { date +%s.%N; }
# deploy_check_addresses: this server's addresses, space-separated.
deploy_check_addresses() { hostname -I 2>/dev/null || true; }
# deploy_check_python PYTHON: its version, or "missing".
deploy_check_python() {
  if command -v "$1" >/dev/null; then "$1" --version 2>&1; else echo missing; fi
}
# deploy_check_packages PKG...: the packages of PKG that are not installed, one per line.
deploy_check_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || echo "$p"
  done
}
# deploy_check_listening PORT...: "<port> <program>" for each program listening on a PORT ("<port> ?" when it cannot tell which).
deploy_check_listening() {
  local port line name
  command -v ss >/dev/null || { echo "? ss-missing"; return 0; }
  for port in "$@"; do
    while IFS= read -r line; do
      [ -n "$line" ] || continue
      name=$(printf '%s\n' "$line" | sed -n 's/.*users:(("\([^"]*\)".*/\1/p')
      echo "$port ${name:-?}"
    done < <(ss -Hltnp "sport = :$port" 2>/dev/null)
  done
}
# deploy_check_reach HOST PORT: "yes" when this server opens a TCP connection to HOST:PORT within 5 s, else "no".
deploy_check_reach() {
  # shellcheck disable=SC2016 # the inner bash expands them, from its own arguments
  if timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null; then echo yes; else echo no; fi
}
# deploy_check_deploy_key KEY REPO: as the app user: "none" before setup made the deploy key KEY, else "yes" when the repository REPO accepts it, else "no: <git's last line>".
deploy_check_deploy_key() {
  local out
  [ -f "$1" ] || { echo none; return 0; }
  if out=$(GIT_SSH_COMMAND="ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o ConnectTimeout=10 -i $1" timeout 20 git ls-remote --heads "$2" 2>&1); then
    echo yes
  else
    echo "no: $(printf '%s\n' "$out" | tail -n 1)"
  fi
}
