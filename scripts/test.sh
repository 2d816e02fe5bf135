#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine, as root: installs what it needs, then
# unit tests, end-to-end tests and the reliability suite against real test hosts (npm test),
# and prints the reliability figures of this run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh
export DEPLOY_RELIABILITY_REPORT=${DEPLOY_RELIABILITY_REPORT:-/tmp/deploy-reliability-$$.jsonl}
rm -f "$DEPLOY_RELIABILITY_REPORT"
# Formatting and lint first: seconds, and a style slip should not wait for the end-to-end tests.
npm run lint
npm test
node scripts/reliability-report.mjs
