# shellcheck shell=bash
# The app's programs and their addresses.

# __ctl APP ACTION ARG...: the app's programs through deploy-ctl (remote/deploy-ctl.sh): directly
# as root, through sudo for a deploy user (its sudoers rule allows exactly this, for its app).
__ctl() {
  if [ "$EUID" = 0 ]; then /usr/local/sbin/deploy-ctl "$@"; else sudo -n /usr/local/sbin/deploy-ctl "$@"; fi
}
# __addr_in_use BIND: is something listening on host:port or unix:/path?
__addr_in_use() {
  case "$1" in
    unix:*) ss -Hlx | grep -qF " $(printf '%s' "$1" | cut -d: -f2-) " ;;
    *) [ -n "$(ss -Hltn "sport = :$(printf '%s' "$1" | awk -F: '{ print $NF }')")" ] ;;
  esac
}
