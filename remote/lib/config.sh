# shellcheck shell=bash
# The app's config file and root's copies of each release's server files.

# __config KEYS TEMPLATE CONFIG < current: TEMPLATE (the config as a release made it; - for stdin)
# with CONFIG's secret_key (a new one when it has none) and, for every key matching KEYS (a regex),
# the value of stdin's line (the config as the settings make it now): secrets come from root's
# sources only, never from a file another user can write.
__config() {
  local key='' current
  current=$(cat)
  if [ -f "$3" ]; then key=$(sed -n 's/^secret_key[[:space:]]*=[[:space:]]*//p' "$3" | head -n 1); fi
  if [ -z "$key" ]; then key=$(head -c 48 /dev/urandom | base64 -w0 | tr '+/' '-_'); fi
  if [ "$2" = - ]; then printf '%s\n' "$current"; else cat -- "$2"; fi |
    KEY="$key" CURRENT="$current" awk -v keys="$1" '
      BEGIN { n = split(ENVIRON["CURRENT"], lines, "\n"); for (i = 1; i <= n; i++) if (lines[i] ~ keys) { k = lines[i]; sub(/[ \t]*=.*/, "", k); v[k] = lines[i] } }
      { i = index($0, "@@SECRET_KEY@@"); if (i) $0 = substr($0, 1, i - 1) ENVIRON["KEY"] substr($0, i + 14) }
      { k = $0; sub(/[ \t]*=.*/, "", k); if ($0 ~ keys && (k in v)) print v[k]; else print }'
}
# __store_verify DIR: the files root kept for a release are the ones it wrote (SHA256SUMS).
__store_verify() {
  (cd -- "$1" && sha256sum --quiet --strict -c SHA256SUMS) || { echo "$1: the server files root kept for this release do not match their SHA256SUMS: refusing to install them" >&2; return 1; }
}
