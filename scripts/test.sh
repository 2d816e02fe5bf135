#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine, as root: installs what it needs,
# then unit tests and end-to-end tests against real test hosts (npm test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh
npm test
