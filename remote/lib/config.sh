# shellcheck shell=bash
# The app's config file, each release's own server files (.deploy/, the app user's), and root's
# copies of them. SECRETS, where a function takes it: the names of the config file's secret keys,
# as name,name (server-files.ts: CONFIG_SECRET_KEYS). The secret_key's placeholder is
# server-files.ts's SECRET_KEY_PLACEHOLDER.

# __config SECRETS TEMPLATE CONFIG < current: TEMPLATE (the config as a release made it; - for stdin) with CONFIG's secret_key and stdin's SECRETS.
__config() {
  # The secret_key is CONFIG's own (a new one when it has none), and every secret comes from stdin
  # (the config as the settings make it now): from root's sources only, never from a file another
  # user can write.
  local key='' current line
  # Builtins only (a switch runs this): stdin as $(cat) would read it, the key's first line.
  IFS= read -r -d '' current || true
  while [[ $current == *$'\n' ]]; do current=${current%$'\n'}; done
  if [ -f "$3" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      if [[ $line =~ ^secret_key[[:space:]]*=[[:space:]]*(.*)$ ]]; then key=${BASH_REMATCH[1]}; break; fi
    done <"$3"
  fi
  if [ -z "$key" ]; then key=$(head -c 48 /dev/urandom | base64 -w0 | tr '+/' '-_'); fi
  if [ "$2" = - ]; then printf '%s\n' "$current"; else cat -- "$2"; fi |
    KEY="$key" CURRENT="$current" awk -v keys="^(${1//,/|})[[:space:]]*=" '
      BEGIN { n = split(ENVIRON["CURRENT"], lines, "\n"); for (i = 1; i <= n; i++) if (lines[i] ~ keys) { k = lines[i]; sub(/[ \t]*=.*/, "", k); v[k] = lines[i] } }
      { i = index($0, "@@SECRET_KEY@@"); if (i) $0 = substr($0, 1, i - 1) ENVIRON["KEY"] substr($0, i + 14) }
      { k = $0; sub(/[ \t]*=.*/, "", k); if ($0 ~ keys && (k in v)) print v[k]; else print }'
}
# __store_verify DIR: the files root kept for a release are the ones it wrote (SHA256SUMS).
__store_verify() {
  (cd -- "$1" && sha256sum --quiet --strict -c SHA256SUMS) || { echo "$1: the server files root kept for this release do not match their SHA256SUMS: refusing to install them" >&2; return 1; }
}
# deploy_config_dir OWNER:GROUP DIR: the config file's directory outside home: if it exists, the system's (only checked); else __root_dir 0750.
deploy_config_dir() {
  if [ -d "$2" ] && [ ! -L "$2" ]; then __root_only_dir "$2"; else __root_dir 0750 "$1" "$2"; fi
}
# deploy_config_file CONFIG GROUP SECRETS < config: CONFIG (0640 root:GROUP) becomes stdin, with its own secret_key; refuses what is no config file.
deploy_config_file() {
  local content
  __root_only_dir "$(dirname -- "$1")"
  if [ -e "$1" ] && ! { [ -f "$1" ] && grep -q '^secret_key[[:space:]]*=' "$1"; }; then
    echo "$1 exists and is not a config file with a secret_key: refusing to overwrite it (check config_file)" >&2
    return 1
  fi
  content=$(__config "$3" - "$1")
  __put "$1" 0640 "root:$2" <<<"$content"
}
# deploy_release_dir DIR: the release's own server files' directory DIR (0750) and its processes/ exist.
deploy_release_dir() {
  mkdir -p "$1/processes"
  chmod 0750 "$1"
}
# deploy_release_file FILE MODE < content: the release's FILE gets stdin's content, through FILE.tmp (umask 027).
deploy_release_file() { (umask 027 && cat >"$1.tmp" && chmod "$2" "$1.tmp" && mv -f "$1.tmp" "$1"); }
# deploy_release_config CONFIG APP FILE < config: the release's config FILE is stdin with CONFIG's secret_key (read on the server: it never crosses the wire).
deploy_release_config() {
  local key
  key=$(sed -n 's/^secret_key[[:space:]]*=[[:space:]]*//p' "$1" 2>/dev/null | head -n 1)
  if [ -z "$key" ]; then echo "$1 has no secret_key the app user can read: run \`deploy $2 setup\`" >&2; return 1; fi
  KEY="$key" awk -v p=@@SECRET_KEY@@ '{ i = index($0, p); if (i) $0 = substr($0, 1, i - 1) ENVIRON["KEY"] substr($0, i + length(p)) } 1' | deploy_release_file "$3" 0640
}
# deploy_refresh_secrets RELEASES SECRETS < config: every release's copy of the config file gets stdin's lines of the SECRETS, its other lines stay.
deploy_refresh_secrets() {
  # A rollback brings a release's own settings back, but a password rotated since is gone from every copy at once.
  local src f begin keys="^(${2//,/|})[ \t]*="
  src=$(cat)
  # The secrets' lines of SRC (the config as the settings make it), by key: v[key] = line.
  begin='BEGIN { n = split(ENVIRON["SRC"], lines, "\n"); for (i = 1; i <= n; i++) if (lines[i] ~ keys) { k = lines[i]; sub(/[ \t]*=.*/, "", k); v[k] = lines[i] } }'
  # One awk reads every copy and names those with a stale secret (usually none): only they are rewritten.
  while IFS= read -r f; do
    SRC="$src" awk -v keys="$keys" "$begin"'
      { k = $0; sub(/[ \t]*=.*/, "", k); if ($0 ~ keys && (k in v)) print v[k]; else print }' "$f" >"$f.tmp" && chmod 0640 "$f.tmp" && mv -f "$f.tmp" "$f"
  done < <(SRC="$src" awk -v keys="$keys" "$begin"'
    { k = $0; sub(/[ \t]*=.*/, "", k); if ($0 ~ keys && (k in v) && v[k] != $0) stale[FILENAME] = 1 }
    END { for (f in stale) print f }' "$1"/*/.deploy/app.conf 2>/dev/null)
}
# deploy_keep_file FILE < content: as root, FILE (in root's directory for a release; 0644) becomes stdin; a deploy user keeps nothing.
deploy_keep_file() {
  local dir=${1%/*} content old
  if [ "$EUID" != 0 ]; then return 0; fi
  # Root's own store, which nobody edits: not __put (backups, hand-edit checks: a dozen processes
  # per file, twice per build), but the same checks of where it writes, and builtins otherwise.
  IFS= read -r -d '' content || true
  if [ ! -d "$dir" ]; then install -d -m 0755 "$dir"; fi
  __root_only_dir "$dir" "$1"
  # shellcheck disable=SC2154 # __stat_of: the file's mode and owner, read by __root_only_dir (files.sh)
  if [ -f "$1" ] && [ ! -L "$1" ] && [ "$__stat_of" = "644 root:root" ]; then
    IFS= read -r -d '' old <"$1" || true
    if [ "$old" = "$content" ]; then __mark ok; return 0; fi
  fi
  (umask 022 && printf '%s' "$content" >"$1.tmp" && mv -f "$1.tmp" "$1")
  __mark changed
}
# deploy_keep_sums DIR FILE...: as root, DIR's SHA256SUMS of the FILEs root kept there (__store_verify checks them before root installs one).
deploy_keep_sums() {
  local dir=$1
  if [ "$EUID" != 0 ]; then return 0; fi
  shift
  (cd -- "$dir" && sha256sum "$@" >SHA256SUMS.tmp && mv -f SHA256SUMS.tmp SHA256SUMS)
}
# deploy_prune_kept KEPT RELEASES: as root, the directories in KEPT of releases gone from RELEASES (of which it only tests existence) go.
deploy_prune_kept() {
  local d
  if [ "$EUID" != 0 ]; then return 0; fi
  for d in "$1"/*/; do
    d=${d%/}
    [ -d "$d" ] || continue
    if [ ! -d "$2/${d##*/}" ]; then rm -rf -- "$d"; fi
  done
}
# deploy_sync_config KEPT CONFIG GROUP SECRETS < config: as root, CONFIG (0640 root:GROUP) becomes root's copy in KEPT, with its secret_key and stdin's SECRETS.
deploy_sync_config() {
  local content
  # A deploy user cannot (APP_CONFIG_FILE, the release's own copy, is what counts); nor root, for a release it kept nothing for.
  if [ "$EUID" != 0 ] || [ ! -f "$1/SHA256SUMS" ]; then return 0; fi
  __store_verify "$1"
  local dir=${2%/*}
  __root_only_dir "${dir:-/}"
  content=$(__config "$4" "$1/app.conf" "$2")
  __put "$2" 0640 "root:$3" <<<"$content"
}
# deploy_install_site KEPT SITE RELEASE NEW < site: root installs its copy (in KEPT) of RELEASE's nginx SITE; a deploy user checks SITE is that, or stdin if NEW is yes.
deploy_install_site() {
  local kept=$1 site=$2 release=$3 wanted=-
  if [ "$EUID" != 0 ]; then
    # A deploy user cannot install a site, only say when setup must. A kept release root built
    # nothing for (a deploy user's, or an older version's) has no site of its own to compare with.
    if [ "$4" != yes ]; then
      if [ ! -f "$kept/SHA256SUMS" ]; then return 0; fi
      wanted=$kept/nginx.conf
    fi
    if ! cmp -s "$wanted" "$site"; then echo "the nginx site differs from release $release's: run setup to apply the change (deploy_user cannot)" >&2; return 1; fi
    return 0
  fi
  if [ ! -f "$kept/SHA256SUMS" ]; then
    echo "root kept no server files for release $release (built by a deploy user, or by an older version): the nginx site stays as it is"
    return 0
  fi
  __store_verify "$kept"
  if ! cmp -s "$kept/nginx.conf" "$site"; then __put "$site" 0644 root:root <"$kept/nginx.conf"; fi
}
