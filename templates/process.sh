#!/bin/sh
# <%= app %> process "<%= name %>": written into each release by deploy from templates/process.sh.
# <%= manager %> runs it as <%= appUser %> through <%= current %>, so it starts in the live release.
# cd -P: the release itself, not the `current` link (a later switch moves the link, not this process).
cd -P "$(dirname "$0")/../.." || exit 1
set -a && . ./.deploy-env && set +a
PATH="$(pwd)/.venv/bin:$PATH"
export PATH
<%= exec ? 'exec ' : '' %><%- command %>
