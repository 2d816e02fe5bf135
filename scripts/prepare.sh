#!/usr/bin/env bash
# Installs what the demo and the tests need on a fresh Debian 12 machine (as root):
# the testbed's Debian packages, the npm packages, the compiled CLI and the test-host images
# (Debian 12, and Debian 13's base).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
need=()
for pkg in debootstrap systemd-container iptables iproute2 openssh-client git curl tmux shellcheck zsh fish; do
  dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null | grep -q '^ii' || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "prepare: apt-get install ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  echo "prepare: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
echo "prepare: test-host images (first time: about 80 s, and 2-4 min more for Debian 13's)"
# Debian 12's base, ready and db; Debian 13's base for test/e2e/debian13.test.ts (a bare host).
bash test/testbed/testbed.sh images base ready db base-trixie
