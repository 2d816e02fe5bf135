#!/usr/bin/env bash
# testbed.sh - real Debian 12 (bookworm) and 13 (trixie) test hosts (systemd-nspawn
# containers) for the deploy tool's end-to-end tests.  Needs root.  See README.md beside this file.
#
#   testbed.sh images [IMAGE...]         build (once, cached) these images (default: base ready db)
#   testbed.sh up NAME [IMAGE]           boot a host, print its IP (default image: ready)
#        IMAGE: base, ready, db (ready + PostgreSQL): Debian 12; base-trixie, ready-trixie,
#        db-trixie: the same on Debian 13
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
#
# Faults, for reliability tests:
#   testbed.sh reboot NAME [--hard]      restart the host, keeping its disk (--hard: power cut)
#   testbed.sh link NAME down|up         cut / restore the host's network link
#   testbed.sh block-ssh NAME on|off     drop TCP port 22 to and from the host (HTTP still flows)
#   testbed.sh ssh-only-from NAME IP|off the host accepts SSH only from IP (a bastion)
#   testbed.sh smallfs NAME PATH SIZE_KB [OWNER]  mount a SIZE_KB filesystem at PATH in the host
set -euo pipefail

readonly CACHE=${DEPLOY_TESTBED_CACHE:-/var/cache/deploy-testbed}
readonly STATE=/run/deploy-testbed
# Each host's disk: an overlay of its image, changes in $DISK/NAME/upper.
readonly DISK=${DEPLOY_TESTBED_DISK:-/var/tmp/deploy-testbed}
readonly KEY=$CACHE/id_ed25519
readonly NET_PREFIX=10.213
readonly NET=$NET_PREFIX.0.0/16
# Where traffic to a testbed address goes while that host's veth is down.
readonly SINK=dtsink0 SINK_PEER=dtsink1
# Debian releases: an image NAME is Debian 12 (bookworm), NAME-trixie is Debian 13.
readonly DEFAULT_SUITE=bookworm OTHER_SUITES=(trixie)
readonly IMAGES=(base ready db base-trixie ready-trixie db-trixie)
readonly DEFAULT_IMAGES=(base ready db)
# Bump when the image recipe changes: cached images of another version are rebuilt.
readonly IMAGE_VERSION=7
readonly BASE_PACKAGES=openssh-server,systemd,systemd-sysv,dbus,iproute2,sudo,ca-certificates,curl,libnss-myhostname
readonly READY_PACKAGES=(nginx supervisor python3-venv python3-dev git python3-django gunicorn curl python3-psycopg2 python3-flask python3-pip logrotate certbot openssl pebble)
# A database server for fleet tests: PostgreSQL on top of 'ready'.
readonly DB_PACKAGES=(postgresql)
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
    git:git sysctl:procps nsenter:util-linux mountpoint:util-linux; do
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
    umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
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

# install_image NAME DIR: the finished build DIR becomes image NAME.  Hosts booted from the
# old image still run on it (their root overlay's lower layer): an overlay keeps working
# when its lower directory is renamed, not when it is deleted, so the old image moves to
# $CACHE/old/ and is deleted later, once no host is up (prune_old_images).
install_image() {
  local name=$1 dir=$2
  if [[ -e $CACHE/$name ]]; then
    mkdir -p "$CACHE/old"
    mv "$CACHE/$name" "$CACHE/old/$name.$(date +%s%N)"
  fi
  mv "$dir" "$CACHE/$name"
}

# Delete replaced images once no host is up (hosts booted later use the current ones).
# Call with $CACHE/.lock held.
prune_old_images() {
  [[ -d $CACHE/old ]] || return 0
  local d
  for d in "$STATE"/*/; do
    [[ -d $d ]] && return 0
  done
  for d in "$CACHE"/old/*; do
    [[ -e $d ]] && remove_tree "$d"
  done
  rmdir "$CACHE/old" 2>/dev/null || true
}

BUILD_DIR=
build_cleanup() {
  [[ -n $BUILD_DIR ]] || return 0
  umount -l "$BUILD_DIR/proc" 2>/dev/null || true
}

# image_suite IMAGE: the Debian release an image is built from (ready-trixie: trixie).
image_suite() {
  local suite
  for suite in "${OTHER_SUITES[@]}"; do
    [[ $1 == *-"$suite" ]] && { printf '%s\n' "$suite"; return; }
  done
  printf '%s\n' "$DEFAULT_SUITE"
}

# image_kind IMAGE: base, ready or db.
image_kind() { printf '%s\n' "${1%%-*}"; }

# image_of KIND SUITE: the image name (ready + trixie: ready-trixie; ready + bookworm: ready).
image_of() {
  if [[ $2 == "$DEFAULT_SUITE" ]]; then printf '%s\n' "$1"; else printf '%s-%s\n' "$1" "$2"; fi
}

valid_image() {
  local i
  for i in "${IMAGES[@]}"; do [[ $1 == "$i" ]] && return 0; done
  die "image must be one of ${IMAGES[*]}, not '$1'"
}

build_base() {
  local name=$1 suite dir=$CACHE/$1.tmp mirror pub
  suite=$(image_suite "$name")
  remove_tree "$dir"
  mirror=$(mirror)
  log "building image '$name' (Debian $suite) from $mirror (about 90 s; log: $CACHE/build.log)"
  BUILD_DIR=$dir
  debootstrap --variant=minbase --include="$BASE_PACKAGES" "$suite" "$dir" "$mirror" \
    >>"$CACHE/build.log" 2>&1 || { tail -n 30 "$CACHE/build.log" >&2; die "debootstrap failed"; }
  chroot_prepare "$dir"
  # same sources as this machine (main, updates, security) when it uses deb822 sources, for
  # the image's release: bookworm, bookworm-updates, bookworm-security become trixie...
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    sed -E "/^Suites:/s/\b(bookworm|trixie)(-[a-z]+)?\b/$suite\2/g" /etc/apt/sources.list.d/debian.sources \
      >"$dir/etc/apt/sources.list.d/debian.sources"
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
  # sshd must not wait on DNS for the client's name, nor close connections when many hosts
  # connect at once (a fleet cloning from the git server): the default MaxStartups is 10:30:100.
  printf 'UseDNS no\nMaxStartups 200:30:400\n' >"$dir/etc/ssh/sshd_config.d/testbed.conf"
  chroot_finish "$dir"
  BUILD_DIR=
  install_image "$name" "$dir"
  rm -f "$CACHE/$(image_of ready "$suite").complete"
  image_stamp "$name" >"$CACHE/$name.complete"
}

build_ready() {
  local name=$1 suite dir=$CACHE/$1.tmp
  suite=$(image_suite "$name")
  remove_tree "$dir"
  log "building image '$name' (a couple of minutes; log: $CACHE/build.log)"
  cp -a --reflink=auto "$CACHE/$(image_of base "$suite")" "$dir"
  BUILD_DIR=$dir
  chroot_prepare "$dir"
  { chroot "$dir" apt-get update -q &&
    chroot "$dir" apt-get install -y -q "${READY_PACKAGES[@]}"; } \
    >>"$CACHE/build.log" 2>&1 || { tail -n 30 "$CACHE/build.log" >&2; die "apt-get install failed in image '$name'"; }
  chroot "$dir" systemctl enable ssh.service nginx.service supervisor.service >>"$CACHE/build.log" 2>&1
  chroot_finish "$dir"
  BUILD_DIR=
  install_image "$name" "$dir"
  rm -f "$CACHE/$(image_of db "$suite").complete"
  image_stamp "$name" >"$CACHE/$name.complete"
}

build_db() {
  local name=$1 suite dir=$CACHE/$1.tmp
  suite=$(image_suite "$name")
  remove_tree "$dir"
  log "building image '$name' (PostgreSQL; log: $CACHE/build.log)"
  cp -a --reflink=auto "$CACHE/$(image_of ready "$suite")" "$dir"
  BUILD_DIR=$dir
  chroot_prepare "$dir"
  { chroot "$dir" apt-get update -q &&
    chroot "$dir" apt-get install -y -q "${DB_PACKAGES[@]}"; } \
    >>"$CACHE/build.log" 2>&1 || { tail -n 30 "$CACHE/build.log" >&2; die "apt-get install failed in image '$name'"; }
  # Listen on the host's address, and let the test hosts' network in with a password.
  local conf
  conf=$(find "$dir/etc/postgresql" -name postgresql.conf | head -n 1)
  printf "listen_addresses = '*'\nlog_statement = 'ddl'\n" >>"$conf"
  printf 'host all all %s scram-sha-256\n' "$NET" >>"$(dirname "$conf")/pg_hba.conf"
  chroot "$dir" systemctl enable postgresql.service >>"$CACHE/build.log" 2>&1
  chroot_finish "$dir"
  BUILD_DIR=
  install_image "$name" "$dir"
  image_stamp "$name" >"$CACHE/$name.complete"
}

# What a finished image's .complete file holds: recipe version, release (other than
# bookworm, whose stamps predate trixie images) and baked-in key.
image_stamp() {
  local suite
  suite=$(image_suite "$1")
  if [[ $suite == "$DEFAULT_SUITE" ]]; then
    printf 'v%s %s\n' "$IMAGE_VERSION" "$(cat "$KEY.pub")"
  else
    printf 'v%s %s %s\n' "$IMAGE_VERSION" "$suite" "$(cat "$KEY.pub")"
  fi
}

image_ok() { # image_ok NAME: finished, current recipe, built for the current key
  [[ -s $KEY.pub && -f $CACHE/$1.complete && -d $CACHE/$1 ]] &&
    [[ $(cat "$CACHE/$1.complete") == "$(image_stamp "$1")" ]]
}

# images_ok IMAGE...: every one finished and current.
images_ok() {
  local i
  for i; do image_ok "$i" || return 1; done
}

# images [IMAGE...]: build the images asked for (default: base, ready and db, Debian 12) and
# those they are made from (ready-trixie: base-trixie first); cached ones are kept.
cmd_images() {
  need_root
  local want=() i kind suite
  (($# > 0)) || set -- "${DEFAULT_IMAGES[@]}"
  for i; do
    valid_image "$i"
    kind=$(image_kind "$i") suite=$(image_suite "$i")
    want+=("$(image_of base "$suite")")
    [[ $kind == base ]] || want+=("$(image_of ready "$suite")")
    [[ $kind != db ]] || want+=("$(image_of db "$suite")")
  done
  # each once, parents first (the order of IMAGES)
  local order=() w
  for i in "${IMAGES[@]}"; do
    for w in "${want[@]}"; do
      if [[ $w == "$i" ]]; then
        order+=("$i")
        break
      fi
    done
  done
  if images_ok "${order[@]}" && [[ ! -d $CACHE/old ]]; then return 0; fi
  ensure_tools
  mkdir -p "$CACHE"
  exec 8>"$CACHE/.lock"
  flock 8
  ensure_key
  prune_old_images
  if images_ok "${order[@]}"; then # built by another run meanwhile
    exec 8>&-
    return 0
  fi
  trap build_cleanup EXIT
  trap 'exit 130' INT TERM HUP
  : >"$CACHE/build.log"
  local t0
  for i in "${order[@]}"; do
    image_ok "$i" && continue
    t0=$SECONDS
    "build_$(image_kind "$i")" "$i"
    log "image '$i' built in $((SECONDS - t0)) s"
  done
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
  ensure_sink
}

# A host's veth going down takes its /24 route with it; traffic to the host would
# then leave through the default route.  A catch-all route for the testbed's /16
# into a veth whose peer is never up drops it silently instead (no ARP on it, so
# no "No route to host" either): connections stall as on a cut cable.  Call with
# $STATE/.lock held.
ensure_sink() {
  if ! ip link show "$SINK" >/dev/null 2>&1; then
    ip link add "$SINK" type veth peer name "$SINK_PEER"
    ip link set "$SINK" arp off
    ip link set "$SINK" up
  fi
  ip route replace "$NET" dev "$SINK" metric 4000
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
  remove_tree "$DISK/$name" # unmount the root overlay, delete the disk
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
  # disks whose state is gone
  for d in "$DISK"/*/; do
    [[ -d $d ]] || continue
    remove_tree "${d%/}"
  done
  if [[ -d $CACHE/old ]]; then
    exec 8>"$CACHE/.lock"
    flock 8
    prune_old_images
    exec 8>&-
  fi
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

# The host's root: an overlay of the image mounted here, its upper layer on disk,
# so that changes survive the container's restart (reboot); `down` deletes it.
mount_root() {
  local name=$1 image=$2 disk=$DISK/$1
  install -d -m 700 "$DISK"
  remove_tree "$disk" # leftovers of a crashed run
  mkdir -p "$disk/upper" "$disk/work" "$disk/root"
  mount -t overlay "testbed-$name" \
    -o "lowerdir=$CACHE/$image,upperdir=$disk/upper,workdir=$disk/work" "$disk/root"
}

# start_nspawn NAME: boot the host's root in its network namespace; records the
# nspawn pid.  The console log is appended to, so it keeps earlier boots.
start_nspawn() {
  local name=$1 dir=$STATE/$1 pid
  setsid systemd-nspawn -q -D "$DISK/$name/root" --register=no --keep-unit -b \
    --network-namespace-path="/run/netns/$(state_get "$name" netns)" --resolv-conf=copy-host \
    --uuid="$(state_get "$name" uuid)" -M "$name" --hostname="$name" 9>&- \
    </dev/null >>"$dir/console.log" 2>&1 &
  pid=$!
  disown "$pid" # no job notices; nspawn outlives this script
  printf '%s\n' "$pid" >"$dir/pid"
  starttime "$pid" >"$dir/pid.start" || true
}

# wait_ssh PID IP [PREFIX...]: poll until sshd at IP answers (ssh run through
# PREFIX, e.g. `ip netns exec NS`) and users other than root may log in (systemd keeps
# /run/nologin until boot has gone far enough: sshd then closes their connections during
# authentication); fails when PID dies or the boot timeout passes.
wait_ssh() {
  local pid=$1 ip=$2 deadline=$((SECONDS + BOOT_TIMEOUT))
  shift 2
  while ((SECONDS < deadline)); do
    alive "$pid" || return 1
    # Under heavy load systemd-user-sessions (which removes /run/nologin) has been seen to fail
    # once at boot: then it is started again rather than the host left closed to other users.
    if "$@" ssh "${SSH_OPTS[@]}" -o ConnectTimeout=2 "root@$ip" 'test ! -e /run/nologin || { systemctl is-failed --quiet systemd-user-sessions.service && systemctl restart systemd-user-sessions.service && test ! -e /run/nologin; }' </dev/null 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

boot_failed() { # boot_failed NAME IP
  log "host '$1' did not answer ssh at $2 within ${BOOT_TIMEOUT} s; console log tail:"
  tail -n 40 "$STATE/$1/console.log" >&2 || true
}

# record_init NAME: remember the container's init (nspawn's child) and its start time.
record_init() {
  local dir=$STATE/$1 init
  init=$(pgrep -P "$(state_get "$1" pid)" | head -n 1 || true)
  [[ -n $init ]] || return 0
  printf '%s\n' "$init" >"$dir/init"
  starttime "$init" >"$dir/init.start" || true
}

# host_init NAME: print the pid (here) of the running container's init.
host_init() {
  local name=$1 init pid
  init=$(state_get "$name" init)
  if [[ -n $init ]] && alive "$init" "$(state_get "$name" init.start)"; then
    printf '%s\n' "$init"
    return 0
  fi
  pid=$(state_get "$name" pid)
  alive "$pid" "$(state_get "$name" pid.start)" || return 1
  init=$(pgrep -P "$pid" | head -n 1) || return 1
  printf '%s\n' "$init"
}

since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}'; }

UP_NAME=
up_failed() {
  [[ -z $UP_NAME ]] || host_down "$UP_NAME"
}

cmd_up() {
  need_root
  [[ $# -ge 1 && $# -le 2 ]] || die "usage: testbed.sh up NAME [IMAGE]"
  local name=$1 image=${2:-ready}
  valid_name "$name"
  valid_image "$image"
  image_ok "$image" || cmd_images "$image"
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
  local f i
  for f in "$STATE"/*/index; do
    # A host going down (outside this lock) may remove its directory while we read it.
    i=$(cat "$f" 2>/dev/null) || continue
    [[ $i =~ ^[0-9]+$ ]] && used[$i]=1
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
  # the same machine id on every boot, as on a real server
  cat /proc/sys/kernel/random/uuid >"$dir/uuid"
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

  local t0=$EPOCHREALTIME
  mount_root "$name" "$image"
  start_nspawn "$name"
  if ! wait_ssh "$(state_get "$name" pid)" "$ip"; then
    boot_failed "$name" "$ip"
    exit 1
  fi
  record_init "$name"
  printf '%s\n' "$ip" >"$dir/ip"
  UP_NAME=
  trap - EXIT INT TERM HUP
  log "host '$name' ($image) up at $ip in $(since "$t0") s"
  printf '%s\n' "$ip"
}

# reboot NAME [--hard]: stop the container (an orderly reboot, or a power cut that
# kills every process at once) and boot it again on the same disk, network
# namespace and address.  Waits for ssh from inside the host's network namespace,
# so it also works while the link is down or ssh is blocked.
cmd_reboot() {
  need_root
  [[ $# -eq 1 || ($# -eq 2 && $2 == --hard) ]] || die "usage: testbed.sh reboot NAME [--hard]"
  local name=$1 hard=${2:-} dir=$STATE/$1 ip ns pid init
  valid_name "$name"
  ip=$(host_ip "$name")
  ns=$(state_get "$name" netns)
  mountpoint -q "$DISK/$name/root" ||
    die "host '$name' has no disk of its own (booted by an older testbed.sh?): cannot reboot it"
  pid=$(state_get "$name" pid)
  init=$(host_init "$name") || die "host '$name' is not running"

  local t0=$EPOCHREALTIME
  if [[ -z $hard ]]; then
    # what `systemctl reboot` does: systemd starts reboot.target, stops every
    # service, and PID 1 exits, and so does nspawn
    kill -s RTMIN+5 "$init"
    if ! wait_gone "$BOOT_TIMEOUT" "$pid"; then
      log "host '$name' did not shut down within ${BOOT_TIMEOUT} s; cutting its power"
      hard=--hard
    fi
  fi
  if [[ -n $hard ]]; then
    kill -KILL "$init" 2>/dev/null || true # the whole pid namespace dies with it
    if ! wait_gone 10 "$pid"; then
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone 5 "$pid" || die "nspawn ($pid) of host '$name' does not exit"
    fi
  fi
  rm -f "$dir/init" "$dir/init.start"
  printf '\n--- testbed: reboot%s ---\n\n' "${hard:+ (power cut)}" >>"$dir/console.log"
  start_nspawn "$name"
  if ! wait_ssh "$(state_get "$name" pid)" "$ip" ip netns exec "$ns"; then
    boot_failed "$name" "$ip"
    exit 1 # `down` still cleans it all up
  fi
  record_init "$name"
  log "host '$name' rebooted${hard:+ (power cut)} in $(since "$t0") s"
}

# link NAME down|up: set the host's veth (this machine's end) down or up.  While
# down, the host can't be reached from here and it reaches nothing; open TCP
# connections stall (nothing is reset) and resume when the link is up again.
cmd_link() {
  need_root
  [[ $# -eq 2 && ($2 == down || $2 == up) ]] || die "usage: testbed.sh link NAME down|up"
  valid_name "$1"
  host_ip "$1" >/dev/null
  if [[ $2 == down ]]; then
    exec 9>"$STATE/.lock"
    flock 9
    ensure_sink # hosts booted by an older testbed.sh have none
    exec 9>&-
  fi
  ip link set "$(state_get "$1" veth)" "$2"
}

# block-ssh NAME on|off: drop TCP port 22 to and from the host: iptables in its
# network namespace, on host0 only (its loopback keeps working).  Other ports flow.
cmd_block_ssh() {
  need_root
  [[ $# -eq 2 && ($2 == on || $2 == off) ]] || die "usage: testbed.sh block-ssh NAME on|off"
  valid_name "$1"
  host_ip "$1" >/dev/null
  local ns chain io port rule
  ns=$(state_get "$1" netns)
  for chain in INPUT OUTPUT; do
    io=-i
    [[ $chain == INPUT ]] || io=-o
    for port in --dport --sport; do
      rule=("$chain" "$io" host0 -p tcp "$port" 22 -m comment --comment testbed-block-ssh -j DROP)
      if [[ $2 == on ]]; then
        ip netns exec "$ns" iptables -w -C "${rule[@]}" 2>/dev/null ||
          ip netns exec "$ns" iptables -w -I "${rule[@]}"
      else
        while ip netns exec "$ns" iptables -w -D "${rule[@]}" 2>/dev/null; do :; done
      fi
    done
  done
}

# ssh-only-from NAME IP|off: the host accepts SSH only from IP (a bastion): iptables in
# its network namespace, on host0 only (its loopback keeps working).
cmd_ssh_only_from() {
  need_root
  [[ $# -eq 2 ]] || die "usage: testbed.sh ssh-only-from NAME IP|off"
  valid_name "$1"
  host_ip "$1" >/dev/null
  local ns rule
  ns=$(state_get "$1" netns)
  while read -r rule; do
    # shellcheck disable=SC2086 # the rule's words, as iptables -S printed them
    ip netns exec "$ns" iptables -w ${rule/-A/-D}
  done < <(ip netns exec "$ns" iptables -w -S INPUT | grep -e '--comment testbed-ssh-only-from' || true)
  [[ $2 == off ]] && return 0
  [[ $2 =~ ^[0-9.]+$ ]] || die "not an IPv4 address: '$2'"
  ip netns exec "$ns" iptables -w -I INPUT -i host0 -p tcp --dport 22 ! -s "$2" -m comment --comment testbed-ssh-only-from -j DROP
}

# smallfs NAME PATH SIZE_KB [OWNER]: a tmpfs of SIZE_KB at PATH inside the host,
# mode 755, owned by OWNER (user or user:group; default: PATH's owner), so writes
# beyond its size fail with ENOSPC.  The container may mount (nspawn keeps
# CAP_SYS_ADMIN): mount it in the container's own namespaces, entered from here so
# it works while the network is cut.  A reboot drops it.
cmd_smallfs() {
  need_root
  [[ $# -eq 3 || $# -eq 4 ]] || die "usage: testbed.sh smallfs NAME PATH SIZE_KB [OWNER]"
  local name=$1 path=$2 kb=$3 owner=${4:-} init
  valid_name "$name"
  [[ $path == /?* && $path != *$'\n'* ]] || die "PATH must be absolute and not /, not '$path'"
  [[ $kb =~ ^[1-9][0-9]{0,8}$ ]] || die "SIZE_KB must be a positive integer, not '$kb'"
  [[ -z $owner || $owner =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$ ]] ||
    die "OWNER must be user or user:group, not '$owner'"
  host_ip "$name" >/dev/null
  init=$(host_init "$name") || die "host '$name' is not running"
  # shellcheck disable=SC2016 # expanded by the shell inside the host
  nsenter -t "$init" -m -u -i -n -p -r -w sh -euc '
    path=$1 kb=$2 owner=$3
    mkdir -p "$path"
    [ -n "$owner" ] || owner=$(stat -c %u:%g "$path")
    mount -t tmpfs -o "size=${kb}k,mode=755" testbed-smallfs "$path"
    chown "$owner" "$path" || { umount "$path"; exit 1; }' smallfs "$path" "$kb" "$owner"
}

cmd_list() {
  local d name
  for d in "$STATE"/*/; do
    [[ -d $d ]] || continue
    name=$(basename "$d")
    printf '%s\t%s\t%s\n' "$name" "$(state_get "$name" ip)" "$(state_get "$name" image)"
  done
}

# From inside the host's network namespace: its own address is local there, so a host whose
# network is cut (link, block-ssh, ssh-only-from) is still reachable for the test.
cmd_ssh() {
  [[ $# -ge 1 ]] || die "usage: testbed.sh ssh NAME [CMD...]"
  valid_name "$1"
  local ip ns
  ip=$(host_ip "$1")
  ns=$(state_get "$1" netns)
  shift
  exec ip netns exec "$ns" ssh "${SSH_OPTS[@]}" "root@$ip" "$@"
}

# on NAME SCRIPT: run a shell script on the host as root (script fed on stdin
# would clash with callers' stdin, so pass it as the command).
# shellcheck disable=SC2029 # the script is meant to run on the host
on() {
  local ip
  ip=$(host_ip "$1")
  ip netns exec "$(state_get "$1" netns)" ssh "${SSH_OPTS[@]}" "root@$ip" "$2" </dev/null
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
    reboot) cmd_reboot "$@" ;;
    link) cmd_link "$@" ;;
    block-ssh) cmd_block_ssh "$@" ;;
    ssh-only-from) cmd_ssh_only_from "$@" ;;
    smallfs) cmd_smallfs "$@" ;;
    *)
      sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
      [[ $cmd == help || $cmd == -h || $cmd == --help ]] || exit 2
      ;;
  esac
}

main "$@"
