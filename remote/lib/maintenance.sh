# shellcheck shell=bash
# Maintenance mode: while the page PAGE exists, nginx answers every request but the health check
# and ACME's with it. The app user writes and removes it (it lives in the app's directory).

# deploy_require_set_up DIR APP: fail, saying to run setup first, when DIR (which setup makes) is missing.
deploy_require_set_up() {
  if [ ! -d "$1" ]; then
    echo "$2 is not set up on this server: run \`deploy $2 setup\` first" >&2
    return 1
  fi
}
# deploy_site_knows_page PAGE SITE APP: fail, saying to run setup again, when the nginx site SITE does not name PAGE (it predates maintenance mode).
deploy_site_knows_page() {
  if ! grep -qF "$1" "$2" 2>/dev/null; then
    echo "the nginx site of $3 does not know the maintenance page yet: run \`deploy $3 setup\` again first" >&2
    return 1
  fi
}
# deploy_put_page PAGE < page: put the page up in one step (a temp file beside it, 0644 for nginx, then mv): nginx never reads half a page.
deploy_put_page() {
  local tmp=''
  if tmp=$(mktemp "$1.XXXXXX") && cat >"$tmp" && chmod 0644 "$tmp" && mv -f "$tmp" "$1"; then return 0; fi
  rm -f "$tmp"
  return 1
}
# deploy_page_up_or PAGE COMMAND...: succeed when the page is up; else as COMMAND does (the caller's own reason to skip).
deploy_page_up_or() { test -e "$1" || "${@:2}"; }
# deploy_page_off PAGE TEXT: take the page down when it holds TEXT (the mark of the deploy run that put it up); never fails.
deploy_page_off() {
  if grep -qsF "$2" "$1"; then rm -f "$1" || true; fi
}
# deploy_page_left PAGE TEXT: a page a deploy run put up (it holds TEXT), left when the run did not finish, goes, with a warning.
deploy_page_left() {
  if grep -qsF "$2" "$1"; then
    rm -f "$1"
    __warn "took down the maintenance page a deploy --maintenance left when it did not finish: the site answers again"
  fi
}
# deploy_page_state PAGE MARK: "off"; or when the page went up (its mtime, epoch seconds), then its last line holding MARK.
deploy_page_state() {
  if [ -e "$1" ]; then
    stat -c %Y "$1"
    grep -F "$2" "$1" | tail -n 1 || true
  else
    echo off
  fi
}
