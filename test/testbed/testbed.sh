#!/usr/bin/env bash
# testbed.sh - real Debian 12 test hosts (systemd-nspawn containers) for the
# deploy tool's end-to-end tests.  Needs root.  See README.md beside this file.
#
#   testbed.sh images                    build (once, cached) the base and ready images
#   testbed.sh up NAME [base|ready]      boot a host, print its IP
#   testbed.sh down NAME...              stop hosts (idempotent)
#   testbed.sh down-all                  stop every host and clear leftovers of crashed runs
#   testbed.sh reap                      stop hosts whose owner process (DEPLOY_TESTBED_OWNER) died
#   testbed.sh list                      NAME IP IMAGE of every host
#   testbed.sh ip NAME                   print a host's IP
#   testbed.sh ssh NAME [CMD...]         ssh root@host with the testbed key
#   testbed.sh key                       print the private key path
#   testbed.sh rekey NAME                give the host its own SSH host keys
#   testbed.sh gitserver NAME            make the host a git server (user git, /srv/git)
#   testbed.sh gitrepo NAME REPO         create /srv/git/REPO.git, print its URL
#   testbed.sh gitpush NAME REPO DIR [REF...]  push DIR's refs (default: main + tags)
#   testbed.sh gitauth NAME PUBKEY       let PUBKEY read/write the git server's repos
set -euo pipefail

readonly CACHE=${DEPLOY_TESTBED_CACHE:-/var/cache/deploy-testbed}
readonly STATE=/run/deploy-testbed
readonly KEY=$CACHE/id_ed25519
readonly NET_PREFIX=10.213
readonly NET=$NET_PREFIX.0.0/16
readonly SUITE=bookworm
# Bump when the image recipe changes: cached images of another version are rebuilt.
readonly IMAGE_VERSION=2
readonly BASE_PACKAGES=openssh-server,systemd,systemd-sysv,dbus,iproute2,sudo,ca-certificates,curl,libnss-myhostname
readonly READY_PACKAGES=(nginx supervisor python3-venv python3-dev git python3-django gunicorn curl)
readonly BOOT_TIMEOUT=${DEPLOY_TESTBED_BOOT_TIMEOUT:-60}
readonly SSH_OPTS=(-i "$KEY" -o IdentitiesOnly=yes -o StrictHostKeyChecking=no
  -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes
  -o ConnectTimeout=10 -o ServerAliveInterval=15)

export DEBIAN_FRONTEND=noninteractive LC_ALL=C PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

log() { printf 'testbed: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

need_root() { [[ $EUID -eq 0 ]] || die "must run as root"; }

# --- host tools ---------------------------------------------------------------

missing_tools() {
  local cmd pkg pair
  for pair in debootstrap:debootstrap systemd-nspawn:systemd-container iptables:iptables \
    ip:iproute2 ssh:openssh-client ssh-keygen:openssh-client flock:util-linux setsid:util-linux pgrep:procps \
    git:git sysctl:procps; do
    cmd=${pair%%:*} pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || printf '%s\n' "$pkg"
  done | sort -u
}

ensure_tools() {
  local missing
  missing=$(missing_tools)
  [[ -n $missing ]] || return 0
  exec 7>/run/deploy-testbed.tools.lock
  flock 7
  missing=$(missing_tools) # another run may have installed them meanwhile
  if [[ -n $missing ]]; then
    log "installing ${missing//$'\n'/ }"
    apt-get update -qq >&2
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >&2
  fi
  exec 7>&-
}

# --- process helpers ----------------------------------------------------------

# Field 22 of /proc/PID/stat (start time); robust against spaces in comm.
starttime() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  printf '%s\n' "${20}"
}

# alive PID [STARTTIME]: running (not a zombie) and, if given, same start time.
alive() {
  local pid=$1 want=${2:-} stat state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  state=${stat%% *}
  [[ $state != Z && $state != X ]] || return 1
  [[ -z $want ]] || [[ $(starttime "$pid") == "$want" ]]
}

# wait_gone SECONDS PID...: wait until none of the PIDs is alive.
wait_gone() {
  local deadline=$((SECONDS + $1)) pid any
  shift
  while :; do
    any=
    for pid; do alive "$pid" && any=1; done
    [[ -n $any ]] || return 0
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# --- images -------------------------------------------------------------------

mirror() {
  local m=
  [[ -r /etc/apt/sources.list.d/debian.sources ]] &&
    m=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  [[ -n $m ]] || m=$(awk '$1=="deb"{for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' \
    /etc/apt/sources.list 2>/dev/null || true)
  [[ -n $m ]] || die "cannot find a Debian mirror in the apt sources"
  printf '%s\n' "$m"
}

ensure_key() {
  [[ -s $KEY && -s $KEY.pub ]] && return 0
  rm -f "$KEY" "$KEY.pub"
  ssh-keygen -q -t ed25519 -N '' -C deploy-testbed -f "$KEY"
  chmod 600 "$KEY"
}

# Unmount everything below DIR (left by a killed build), then delete it.
remove_tree() {
  local dir=$1 mnt
  [[ -e $dir ]] || return 0
  while read -r mnt; do
    umount -l "$mnt" 2>/dev/null || true
  done < <(awk -v d="$dir/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r)
  rm -rf --one-file-system "$dir"
}

chroot_prepare() {
  local dir=$1
  mount -t proc proc "$dir/proc"
  # never start services inside the build chroot
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
  chmod 755 "$dir/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
}

chroot_finish() {
  local dir=$1
  rm -f "$dir/usr/sbin/policy-rc.d"
  chroot "$dir" apt-get clean
  # no package lists in the image: they would go stale; hosts run apt-get update
  find "$dir/var/lib/apt/lists" -mindepth 1 -maxdepth 1 ! -name partial ! -name lock -exec rm -rf {} +
  rm -rf "$dir/var/lib/apt/lists/partial/"* "$dir/var/cache/apt/"*.bin
  rm -f "$dir/etc/hostname"
  # every host gets its own machine id (from nspawn's container UUID)
  : >"$dir/etc/machine-id"
  rm -f "$dir/var/lib/dbus/machine-id"
  umount "$dir/proc" 2>/dev/null || umount -l "$dir/proc" 2>/dev/null || true
}

BUILD_DIR=
build_cleanup() {
  [[ -n $BUILD_DIR ]] || return 0
  umount -l "$BUILD_DIR/proc" 2>/dev/null || true
}

build_base() {
  local dir=$CACHE/base.tmp mirror pub
  remove_tree "$dir"
  mirror=$(mirror)
  log "building image 'base' from $mirror (about 90 s; log: $CACHE/build.log)"
  BUILD_DIR=$dir
  debootstrap --variant=minbase --include="$BASE_PACKAGES" "$SUITE" "$dir" "$mirror" \
    >>"$CACHE/build.log" 2>&1 || { tail -n 30 "$CACHE/build.log" >&2; die "debootstrap failed"; }
  chroot_prepare "$dir"
  # same sources as this machine (main, updates, security) when it uses deb822 sources
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    cp /etc/apt/sources.list.d/debian.sources "$dir/etc/apt/sources.list.d/debian.sources"
    rm -f "$dir/etc/apt/sources.list"
  fi
  chroot "$dir" useradd -m -s /bin/bash ubuntu
  printf 'ubuntu ALL=(ALL) NOPASSWD: ALL\n' >"$dir/etc/sudoers.d/90-ubuntu"
  chmod 0440 "$dir/etc/sudoers.d/90-ubuntu"
  pub=$(cat "$KEY.pub")
  install -d -m 700 "$dir/root/.ssh"
  printf '%s\n' "$pub" >"$dir/root/.ssh/authorized_keys"
  chmod 600 "$dir/root/.ssh/authorized_keys"
  install -d -m 700 "$dir/home/ubuntu/.ssh"
  printf '%s\n' "$pub" >"$dir/home/ubuntu/.ssh/authorized_keys"
  chmod 600 "$dir/home/ubuntu/.ssh/authorized_keys"
  chroot "$dir" chown -R ubuntu:ubuntu /home/ubuntu/.ssh
  chroot "$dir" systemctl enable ssh.service >>"$CACHE/build.log" 2>&1
  # sshd must not wait on DNS for the client's name
  printf 'UseDNS no\n' >"$dir/etc/ssh/sshd_config.d/testbed.conf"
  chroot_finish "$dir"
  BUILD_DIR=
  remove_tree "$CACHE/base"
  mv "$dir" "$CACHE/base"
  rm -f "$CACHE/ready.complete"
  image_stamp >"$CACHE/base.complete"
}

build_ready() {
  local dir=$CACHE/ready.tmp
  remove_tree "$dir"
  log "building image 'ready' (a couple of minutes; log: $CACHE/build.log)"
  cp -a --reflink=auto "$CACHE/base" "$dir"
  BUILD_DIR=$dir
  chroot_prepare "$dir"
  { chroot "$dir" apt-get update -q &&
    chroot "$dir" apt-get install -y -q "${READY_PACKAGES[@]}"; } \
    >>"$CACHE/build.log" 2>&1 || { tail -n 30 "$CACHE/build.log" >&2; die "apt-get install failed in image 'ready'"; }
  chroot "$dir" systemctl enable ssh.service nginx.service supervisor.service >>"$CACHE/build.log" 2>&1
  chroot_finish "$dir"
  BUILD_DIR=
  remove_tree "$CACHE/ready"
  mv "$dir" "$CACHE/ready"
  image_stamp >"$CACHE/ready.complete"
}

# What a finished image's .complete file holds: recipe version and baked-in key.
image_stamp() { printf 'v%s %s\n' "$IMAGE_VERSION" "$(cat "$KEY.pub")"; }

image_ok() { # image_ok NAME: finished, current recipe, built for the current key
  [[ -s $KEY.pub && -f $CACHE/$1.complete && -d $CACHE/$1 ]] &&
    [[ $(cat "$CACHE/$1.complete") == "$(image_stamp)" ]]
}

cmd_images() {
  need_root
  if image_ok base && image_ok ready; then return 0; fi
  ensure_tools
  mkdir -p "$CACHE"
  exec 8>"$CACHE/.lock"
  flock 8
  ensure_key
  if image_ok base && image_ok ready; then # built by another run meanwhile
    exec 8>&-
    return 0
  fi
  trap build_cleanup EXIT
  trap 'exit 130' INT TERM HUP
  : >"$CACHE/build.log"
  local t0=$SECONDS
  if ! image_ok base; then
    build_base
    log "image 'base' built in $((SECONDS - t0)) s"
  fi
  t0=$SECONDS
  if ! image_ok ready; then
    build_ready
    log "image 'ready' built in $((SECONDS - t0)) s"
  fi
  trap - EXIT INT TERM HUP
  exec 8>&-
}

# --- hosts --------------------------------------------------------------------

valid_name() {
  [[ $1 =~ ^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$ ]] || die "bad host name '$1' (use 1-32 of [a-z0-9-])"
}

state_get() { cat "$STATE/$1/$2" 2>/dev/null || true; }

host_ip() {
  local ip
  ip=$(state_get "$1" ip)
  [[ -n $ip ]] || die "host '$1' is not up"
  printf '%s\n' "$ip"
}

setup_forwarding() {
  sysctl -qw net.ipv4.ip_forward=1
  if (($(sysctl -n fs.inotify.max_user_instances) < 1024)); then
    sysctl -qw fs.inotify.max_user_instances=1024
  fi
  iptables -w -t nat -C POSTROUTING -s "$NET" ! -d "$NET" -j MASQUERADE 2>/dev/null ||
    iptables -w -t nat -A POSTROUTING -s "$NET" ! -d "$NET" -j MASQUERADE
  iptables -w -C FORWARD -s "$NET" -j ACCEPT 2>/dev/null ||
    iptables -w -I FORWARD -s "$NET" -j ACCEPT
  iptables -w -C FORWARD -d "$NET" -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT 2>/dev/null ||
    iptables -w -I FORWARD -d "$NET" -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
}

# Kill every process inside network namespace NS (orphans of a crashed run).
kill_netns_procs() {
  local pids
  pids=$(ip netns pids "$1" 2>/dev/null || true)
  [[ -n $pids ]] || return 0
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  # shellcheck disable=SC2086
  wait_gone 5 $pids || true
}

# Tear down a host from its state directory; tolerant of any part being gone.
host_down() {
  local name=$1 dir=$STATE/$1 pid pst init ist veth ns
  pid=$(state_get "$name" pid) pst=$(state_get "$name" pid.start)
  init=$(state_get "$name" init) ist=$(state_get "$name" init.start)
  veth=$(state_get "$name" veth) ns=$(state_get "$name" netns)
  [[ -n $ns ]] || ns=dt-$name
  if [[ -n $pid ]] && alive "$pid" "$pst"; then
    if [[ -z $init ]]; then
      init=$(pgrep -P "$pid" | head -n 1 || true)
      [[ -z $init ]] || ist=$(starttime "$init" || true)
    fi
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone 3 "$pid" || true
  fi
  if [[ -n $init ]] && alive "$init" "$ist"; then
    kill -KILL "$init" 2>/dev/null || true
  fi
  if [[ -n $pid ]] && alive "$pid" "$pst"; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
  local waitfor=()
  [[ -z $init ]] || waitfor+=("$init")
  [[ -z $pid ]] || waitfor+=("$pid")
  ((${#waitfor[@]} == 0)) || wait_gone 5 "${waitfor[@]}" || true
  if [[ -e /run/netns/$ns ]]; then
    kill_netns_procs "$ns"
    ip netns del "$ns" 2>/dev/null || true
  fi
  if [[ -n $veth ]] && ip link show "$veth" >/dev/null 2>&1; then
    ip link del "$veth" 2>/dev/null || true
  fi
  rm -rf "$dir"
}

cmd_down() {
  need_root
  [[ $# -ge 1 ]] || die "usage: testbed.sh down NAME..."
  local name
  for name; do valid_name "$name"; done
  mkdir -p "$STATE"
  if (($# == 1)); then
    host_down "$1"
    return
  fi
  for name; do host_down "$name" & done
  wait
}

cmd_down_all() {
  need_root
  mkdir -p "$STATE"
  local d name ns pid veth
  for d in "$STATE"/*/; do
    [[ -d $d ]] || continue
    name=$(basename "$d")
    host_down "$name"
  done
  # nspawn processes of crashed runs whose state is gone
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    [[ $(cat "$d/comm" 2>/dev/null) == systemd-nspawn ]] || continue
    tr '\0' '\n' <"$d/cmdline" 2>/dev/null | grep -q '^--network-namespace-path=/run/netns/dt-' || continue
    pgrep -P "$pid" | xargs -r kill -KILL 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  done
  while read -r ns; do
    kill_netns_procs "$ns"
    ip netns del "$ns" 2>/dev/null || true
  done < <(ip netns list 2>/dev/null | awk '$1 ~ /^dt-/ {print $1}')
  while read -r veth; do
    ip link del "$veth" 2>/dev/null || true
  done < <(ip -o link show type veth 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); if ($2 ~ /^vdt[0-9]+$/) print $2}')
}

cmd_reap() {
  need_root
  mkdir -p "$STATE"
  local d name owner ost
  for d in "$STATE"/*/; do
    [[ -d $d ]] || continue
    name=$(basename "$d")
    owner=$(state_get "$name" owner) ost=$(state_get "$name" owner.start)
    [[ -n $owner ]] || continue
    alive "$owner" "$ost" && continue
    log "reaping '$name' (owner $owner is gone)"
    host_down "$name"
  done
}

UP_NAME=
up_failed() {
  [[ -z $UP_NAME ]] || host_down "$UP_NAME"
}

cmd_up() {
  need_root
  [[ $# -ge 1 && $# -le 2 ]] || die "usage: testbed.sh up NAME [base|ready]"
  local name=$1 image=${2:-ready}
  valid_name "$name"
  [[ $image == base || $image == ready ]] || die "image must be base or ready, not '$image'"
  image_ok "$image" || cmd_images
  ensure_tools
  mkdir -p "$STATE"

  local dir=$STATE/$name ns=dt-$name n veth ip
  # allocate a /24 and claim the name under the lock
  exec 9>"$STATE/.lock"
  flock 9
  setup_forwarding # under the lock: -C then -A/-I must not race
  if [[ -d $dir ]]; then
    if alive "$(state_get "$name" pid)" "$(state_get "$name" pid.start)"; then
      die "host '$name' is already up"
    fi
    host_down "$name" # leftovers of a crashed run
  fi
  if [[ -e /run/netns/$ns ]]; then
    kill_netns_procs "$ns"
    ip netns del "$ns" 2>/dev/null || true
  fi
  local -A used=()
  local f
  for f in "$STATE"/*/index; do
    [[ -f $f ]] && used[$(cat "$f")]=1
  done
  for ((n = 1; n <= 254; n++)); do
    [[ -z ${used[$n]:-} ]] && break
  done
  ((n <= 254)) || die "no free address block (254 hosts up?)"
  mkdir -p "$dir"
  veth=vdt$n ip=$NET_PREFIX.$n.2
  printf '%s\n' "$n" >"$dir/index"
  printf '%s\n' "$ns" >"$dir/netns"
  printf '%s\n' "$veth" >"$dir/veth"
  printf '%s\n' "$image" >"$dir/image"
  printf '%s\n' "$dir/console.log" >"$dir/console"
  if [[ -n ${DEPLOY_TESTBED_OWNER:-} ]] && alive "$DEPLOY_TESTBED_OWNER"; then
    printf '%s\n' "$DEPLOY_TESTBED_OWNER" >"$dir/owner"
    starttime "$DEPLOY_TESTBED_OWNER" >"$dir/owner.start"
  fi
  exec 9>&-

  # anything failing from here on (or a signal) leaves nothing behind
  UP_NAME=$name
  trap up_failed EXIT
  trap 'exit 130' INT TERM HUP
  ip link del "$veth" 2>/dev/null || true
  ip netns add "$ns"
  ip link add "$veth" type veth peer name host0 netns "$ns"
  ip addr add "$NET_PREFIX.$n.1/24" dev "$veth"
  ip link set "$veth" up
  ip -n "$ns" addr add "$ip/24" dev host0
  ip -n "$ns" link set host0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" route add default via "$NET_PREFIX.$n.1"

  local t0=$EPOCHREALTIME pid
  setsid systemd-nspawn -q -D "$CACHE/$image" --register=no --keep-unit -b --volatile=overlay \
    --network-namespace-path="/run/netns/$ns" --resolv-conf=copy-host \
    -M "$name" --hostname="$name" 9>&- \
    </dev/null >"$dir/console.log" 2>&1 &
  pid=$!
  disown "$pid" # no job notices; nspawn outlives this script
  printf '%s\n' "$pid" >"$dir/pid"
  starttime "$pid" >"$dir/pid.start" || true

  local deadline=$((SECONDS + BOOT_TIMEOUT)) ok=
  while ((SECONDS < deadline)); do
    if ! alive "$pid"; then break; fi
    if ssh "${SSH_OPTS[@]}" -o ConnectTimeout=2 "root@$ip" true </dev/null 2>/dev/null; then
      ok=1
      break
    fi
    sleep 0.2
  done
  if [[ -z $ok ]]; then
    log "host '$name' did not answer ssh at $ip within ${BOOT_TIMEOUT} s; console log tail:"
    tail -n 40 "$dir/console.log" >&2 || true
    exit 1
  fi
  local init
  init=$(pgrep -P "$pid" | head -n 1 || true)
  if [[ -n $init ]]; then
    printf '%s\n' "$init" >"$dir/init"
    starttime "$init" >"$dir/init.start" || true
  fi
  printf '%s\n' "$ip" >"$dir/ip"
  UP_NAME=
  trap - EXIT INT TERM HUP
  log "host '$name' ($image) up at $ip in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}') s"
  printf '%s\n' "$ip"
}

cmd_list() {
  local d name
  for d in "$STATE"/*/; do
    [[ -d $d ]] || continue
    name=$(basename "$d")
    printf '%s\t%s\t%s\n' "$name" "$(state_get "$name" ip)" "$(state_get "$name" image)"
  done
}

cmd_ssh() {
  [[ $# -ge 1 ]] || die "usage: testbed.sh ssh NAME [CMD...]"
  valid_name "$1"
  local ip
  ip=$(host_ip "$1")
  shift
  exec ssh "${SSH_OPTS[@]}" "root@$ip" "$@"
}

# on NAME SCRIPT: run a shell script on the host as root (script fed on stdin
# would clash with callers' stdin, so pass it as the command).
# shellcheck disable=SC2029 # the script is meant to run on the host
on() {
  local ip
  ip=$(host_ip "$1")
  ssh "${SSH_OPTS[@]}" "root@$ip" "$2" </dev/null
}

cmd_rekey() {
  [[ $# -eq 1 ]] || die "usage: testbed.sh rekey NAME"
  valid_name "$1"
  on "$1" 'rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && systemctl restart ssh'
  local ip deadline=$((SECONDS + 15))
  ip=$(host_ip "$1")
  until ssh "${SSH_OPTS[@]}" -o ConnectTimeout=2 "root@$ip" true </dev/null 2>/dev/null; do
    ((SECONDS < deadline)) || die "ssh on '$1' did not come back after rekey"
    sleep 0.2
  done
}

cmd_gitserver() {
  [[ $# -eq 1 ]] || die "usage: testbed.sh gitserver NAME"
  valid_name "$1"
  local pub
  pub=$(cat "$KEY.pub")
  on "$1" "set -e
    command -v git-shell >/dev/null || { echo 'git is not installed on this host (use the ready image)' >&2; exit 1; }
    id git >/dev/null 2>&1 || useradd --system --create-home --home-dir /srv/git --shell /usr/bin/git-shell git
    usermod -p '*' git
    install -d -o git -g git -m 755 /srv/git
    install -d -o git -g git -m 700 /srv/git/.ssh
    touch /srv/git/.ssh/authorized_keys
    grep -qxF '$pub' /srv/git/.ssh/authorized_keys || printf '%s\n' '$pub' >>/srv/git/.ssh/authorized_keys
    chown git:git /srv/git/.ssh/authorized_keys
    chmod 600 /srv/git/.ssh/authorized_keys"
}

valid_repo() {
  [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ && $1 != *.. ]] || die "bad repo name '$1'"
}

cmd_gitrepo() {
  [[ $# -eq 2 ]] || die "usage: testbed.sh gitrepo NAME REPO"
  valid_name "$1"
  local repo=${2%.git} ip
  valid_repo "$repo"
  ip=$(host_ip "$1")
  on "$1" "set -e
    id git >/dev/null 2>&1 || { echo 'run testbed.sh gitserver first' >&2; exit 1; }
    if [ ! -d /srv/git/$repo.git ]; then
      git init -q --bare -b main /srv/git/$repo.git
      chown -R git:git /srv/git/$repo.git
    fi"
  printf 'git@%s:/srv/git/%s.git\n' "$ip" "$repo"
}

cmd_gitpush() {
  [[ $# -ge 3 ]] || die "usage: testbed.sh gitpush NAME REPO LOCALDIR [REF...]"
  valid_name "$1"
  local repo=${2%.git} src=$3 ip refs
  valid_repo "$repo"
  ip=$(host_ip "$1")
  shift 3
  if (($# > 0)); then
    refs=("$@")
  elif git -C "$src" rev-parse -q --verify refs/heads/main >/dev/null; then
    refs=(refs/heads/main:refs/heads/main --tags)
  else
    refs=(HEAD:refs/heads/main --tags)
  fi
  local sshcmd
  printf -v sshcmd '%q ' ssh "${SSH_OPTS[@]}"
  GIT_SSH_COMMAND=$sshcmd git -C "$src" push -q "git@$ip:/srv/git/$repo.git" "${refs[@]}" >&2
}

cmd_gitauth() {
  [[ $# -eq 2 ]] || die "usage: testbed.sh gitauth NAME PUBKEY"
  valid_name "$1"
  local key=$2 ip
  [[ $key != *$'\n'* && $key =~ ^(ssh-|ecdsa-|sk-) ]] || die "not a single-line public key: '$key'"
  ip=$(host_ip "$1")
  printf '%s\n' "$key" | ssh "${SSH_OPTS[@]}" "root@$ip" \
    'set -e; k=$(cat); f=/srv/git/.ssh/authorized_keys; [ -f "$f" ] || { echo "run testbed.sh gitserver first" >&2; exit 1; }
     grep -qxF "$k" "$f" || printf "%s\n" "$k" >>"$f"'
}

main() {
  local cmd=${1:-}
  [[ $# -eq 0 ]] || shift
  case $cmd in
    images) cmd_images "$@" ;;
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    down-all) cmd_down_all "$@" ;;
    reap) cmd_reap "$@" ;;
    list) cmd_list "$@" ;;
    ip) valid_name "${1:-}" && host_ip "$1" ;;
    ssh) cmd_ssh "$@" ;;
    key) printf '%s\n' "$KEY" ;;
    rekey) cmd_rekey "$@" ;;
    gitserver) cmd_gitserver "$@" ;;
    gitrepo) cmd_gitrepo "$@" ;;
    gitpush) cmd_gitpush "$@" ;;
    gitauth) cmd_gitauth "$@" ;;
    *)
      sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
      [[ $cmd == help || $cmd == -h || $cmd == --help ]] || exit 2
      ;;
  esac
}

main "$@"
