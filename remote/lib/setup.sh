# shellcheck shell=bash
# Setup's server programs: what it checks before it writes anything, system packages, the app
# user and its home, the deploy user, the live slot setup starts.

# deploy_home_state HOME USER NAME...: print missing, ours (USER's, an older version's; or root's with USER's apps/), empty, or "foreign OWNER".
# Also ours: root's, USER's home, holding only /etc/skel's files and the NAMEs setup makes there
# (a setup interrupted once the home became root's, before it made apps/).
deploy_home_state() {
  local h=$1 u=$2
  shift 2
  if [ ! -e "$h" ]; then echo missing
  elif [ ! -d "$h" ] || [ -L "$h" ]; then echo "foreign $(stat -c %U "$h") (not a directory)"
  elif [ "$(stat -c %U "$h")" = "$u" ] || { [ "$(stat -c %U "$h")" = root ] && [ "$(stat -c %U "$h/apps" 2>/dev/null)" = "$u" ]; }; then echo ours
  elif [ -z "$(ls -A "$h")" ]; then echo empty
  elif [ "$(stat -c %U "$h")" = root ] && [ "$(getent passwd "$u" | cut -d: -f6)" = "$h" ] && __holds_only "$h" "$@"; then echo ours
  else echo "foreign $(stat -c %U "$h")"
  fi
}
# __holds_only DIR NAME...: DIR holds nothing but the files of /etc/skel and the NAMEs.
__holds_only() {
  local d=$1 f n w known
  shift
  for f in "$d"/.[!.]* "$d"/..?* "$d"/*; do
    [ -e "$f" ] || [ -L "$f" ] || continue
    n=${f##*/}
    known=''
    if [ -e "/etc/skel/$n" ]; then known=1; fi
    for w in "$@"; do if [ "$n" = "$w" ]; then known=1; fi; done
    [ -n "$known" ] || return 1
  done
}
# deploy_app_user_risks USER GROUP...: print each reason an existing USER is no service account (any GROUP makes one); nothing for a new user.
deploy_app_user_risks() {
  local u=$1 shell g
  shift
  if ! getent passwd "$u" >/dev/null; then return 0; fi
  shell=$(getent passwd "$u" | cut -d: -f7)
  case "$shell" in /usr/sbin/nologin|/sbin/nologin|/bin/false|/usr/bin/false) ;; *) echo "it has a login shell (${shell:-none set, so /bin/sh})" ;; esac
  case "$(passwd -S "$u" 2>/dev/null | cut -d' ' -f2)" in P) echo "it has a password" ;; NP) echo "it has an empty password" ;; esac
  if sudo -n -l -U "$u" 2>/dev/null | grep -q 'may run the following'; then echo "it may run commands with sudo"; fi
  for g in $(id -nG "$u"); do case " $* " in *" $g "*) echo "it is a member of $g" ;; esac; done
  if [ "$(id -u "$u")" = 0 ]; then echo "its user id is 0 (root)"; fi
}
# deploy_packages_installed PACKAGE...: is every PACKAGE installed?
deploy_packages_installed() {
  [ "$(dpkg-query -W -f="\${db:Status-Abbrev}\n" "$@" 2>/dev/null | grep -c '^ii')" = "$#" ]
}
# deploy_apt_install PACKAGE...: install the PACKAGEs with apt, keeping the configuration files an administrator changed.
deploy_apt_install() {
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}
# deploy_packages_present PYTHON PSYCOPG COMMAND...: fail naming what is missing: a COMMAND, PYTHON's venv, psycopg2 (when PSYCOPG is yes).
deploy_packages_present() {
  local python=$1 psycopg=$2 missing='' c
  shift 2
  for c in "$@"; do command -v "$c" >/dev/null || missing="$missing $c"; done
  "$python" -c 'import ensurepip, venv' 2>/dev/null || missing="$missing python3-venv"
  if [ "$psycopg" = yes ]; then "$python" -c 'import psycopg2' 2>/dev/null || missing="$missing python3-psycopg2"; fi
  if [ -n "$missing" ]; then echo "missing on this server:$missing (run setup with --dependencies=yes)" >&2; return 1; fi
}
# deploy_home_is_roots HOME: is HOME root's (0755 root:root), and no link?
deploy_home_is_roots() { [ "$(stat -c '%a %U:%G' "$1")" = '755 root:root' ] && [ ! -L "$1" ]; }
# deploy_home_to_root HOME: HOME, below directories only root can write, becomes root's (0755).
deploy_home_to_root() {
  __root_only_dir "$(dirname -- "$1")"
  chown -h root:root "$1"
  chmod 0755 "$1"
}
# deploy_own_dir MODE DIR: DIR, and what is missing above it, exists with MODE (run as the app user: it makes its own directories).
deploy_own_dir() {
  mkdir -p "$2"
  chmod "$1" "$2"
}
# deploy_own_file FILE MODE < content: FILE (the app user's own) gets stdin's content through a new file, only when it differs.
deploy_own_file() {
  local t
  t=$(mktemp "$1.XXXXXX")
  cat >"$t"
  if cmp -s "$t" "$1"; then rm -f "$t"; __mark ok; return 0; fi
  chmod "$2" "$t"
  mv -f "$t" "$1"
  __mark changed
}
# deploy_leave_groups USER GROUP...: USER leaves each GROUP it is a member of.
deploy_leave_groups() {
  local u=$1 g
  shift
  for g in "$@"; do
    if id -nG "$u" | tr ' ' '\n' | grep -qx "$g"; then gpasswd -d "$u" "$g" >/dev/null; fi
  done
}
# deploy_authorized_keys USER < keys: USER's authorized_keys become stdin's, written by USER itself.
deploy_authorized_keys() {
  # In USER's own home, as USER: root never writes where another user can (docs/threat-model.md).
  if [ "$(sudo -n -H -u "$1" bash -c 'umask 077 && mkdir -p "$HOME/.ssh" && t=$(mktemp "$HOME/.ssh/authorized_keys.XXXXXX") && cat > "$t" && if cmp -s "$t" "$HOME/.ssh/authorized_keys"; then rm -f "$t"; echo same; else mv -f "$t" "$HOME/.ssh/authorized_keys"; echo changed; fi')" = same ]; then __mark ok; else __mark changed; fi
}
# deploy_sudoers FILE USER < rule: FILE becomes stdin's sudoers rule for USER (0440), once visudo accepts it.
deploy_sudoers() {
  local tmp
  # Checked before it is in place: a broken sudoers file locks everyone out.
  tmp=$(mktemp)
  cat >"$tmp"
  chmod 0440 "$tmp"
  if ! visudo -cqf "$tmp"; then rm -f "$tmp"; echo "visudo rejected the rule for $2" >&2; return 1; fi
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; __mark ok; else mv -f "$tmp" "$1"; __mark changed; fi
}
# deploy_socket_is_roots SOCKET DROPIN: nothing to do for SOCKET: there is none, DROPIN (not ours) opens it, or it is 0700 root:root.
deploy_socket_is_roots() { [ ! -S "$1" ] || [ -e "$2" ] || [ "$(stat -L -c '%a %U:%G' "$1")" = '700 root:root' ]; }
# deploy_socket_to_root SOCKET: SOCKET becomes root's only (0700 root:root).
deploy_socket_to_root() {
  chown root:root "$1"
  chmod 0700 "$1"
}
# __slot_programs PROJECT: print the files either process manager may hold PROJECT's slot programs in, slot a's first.
__slot_programs() {
  local slot
  for slot in a b; do printf '%s\n' "/etc/supervisor/conf.d/$1-$slot.conf" "/etc/systemd/system/$1-$slot.service"; done
}
# deploy_installed_root PROJECT: print the app root PROJECT's first slot program that exists (supervisor's or systemd's) runs in.
deploy_installed_root() {
  local r='' f
  while read -r f; do
    if [ -z "$r" ] && [ -f "$f" ]; then r=$(sed -n -E 's/^(directory|WorkingDirectory)=//p' "$f"); fi
  done < <(__slot_programs "$1")
  printf '%s\n' "${r%/slots/[ab]}"
}
# __program_files: print the path of every supervisor program and systemd unit of this host.
__program_files() { printf '%s\n' /etc/supervisor/conf.d/*.conf /etc/systemd/system/*.service; }
# deploy_binds_free PROJECT BIND_A BIND_B: fail when another app's slot program binds to either address, or to its port.
deploy_binds_free() {
  local ours files f binds bind m other
  ours=" $(__slot_programs "$1" | tr '\n' ' ')"
  mapfile -t files < <(__program_files)
  for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    case "$ours" in *" $f "*) continue ;; esac
    binds=$(grep -oE -- '--bind [^ ]+' "$f" 2>/dev/null | cut -d' ' -f2 || true)
    # Words, not lines: in a program's command line a tab ends an address too.
    for bind in $binds; do
      for m in "$2" "$3"; do
        if [ "$bind" = "$m" ] || { [ "${bind#unix:}" = "$bind" ] && [ "${m#unix:}" = "$m" ] && [ "${bind##*:}" = "${m##*:}" ]; }; then
          other=$(basename "$f"); other=${other%-[ab].conf}; other=${other%-[ab].service}
          echo "gunicorn_bind: $m is already used by app $other on this server (--bind $bind in $f); give each app its own ports (gunicorn_bind, gunicorn_bind_alt). Nothing was changed." >&2
          return 1
        fi
      done
    done
  done
}
# deploy_live_from_legacy OLD FLAG: an older version kept the live slot in the file OLD: b becomes the switch file FLAG, and OLD goes.
deploy_live_from_legacy() {
  if [ "$(cat "$1" 2>/dev/null)" = b ]; then touch "$2"; fi
  rm -f "$1"
}
# deploy_live_slot_release FLAG SLOTS: print the live slot (the switch file FLAG decides) and the release its link in SLOTS leads to.
deploy_live_slot_release() {
  local slot
  slot=$(deploy_live_slot "$1")
  echo "$slot $(basename "$(readlink "$2/$slot" 2>/dev/null)" 2>/dev/null || true)"
}
# deploy_bind_moved BIND: print yes when nothing listens on BIND (gunicorn_bind changed since the live slot started), else no.
deploy_bind_moved() { if __addr_in_use "$1"; then echo no; else echo yes; fi; }
