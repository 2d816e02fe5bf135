# check, planned for test/golden/settings/fleet.ini (npm run golden writes this file)
# ---- read what setup and deploy need [check, bash -s]
# step: check
__step=check
__begin 1
{ deploy_check_os
} </dev/null
__begin 2
{ deploy_check_sudo
} </dev/null
__begin 3
{ deploy_check_disk /opt/django
} </dev/null
__begin 4
{ deploy_check_clock
} </dev/null
__begin 5
{ deploy_check_addresses
} </dev/null
__begin 6
{ deploy_check_python python3
} </dev/null
__begin 7
{ deploy_check_packages nginx git python3-venv python3-pip python3-dev build-essential curl ca-certificates openssh-client logrotate python3-psycopg2 openssl
} </dev/null

# ---- read the ports and reach the git host [check-root, sudo -n bash -s]
# step: check-root
__step=check-root
__begin 1
{ deploy_check_listening 80 443
} </dev/null
__begin 2
{ deploy_check_reach github.com 22
} </dev/null

# ---- ask the repository with the deploy key [check-app, sudo -n bash -s]
# step: check-app
__step=check-app
if ! { id -u django
} </dev/null >/dev/null 2>&1; then exit 0; fi
__begin 1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_3b045049ef79'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + library: deploy_check_deploy_key
{ deploy_check_deploy_key /opt/django/.ssh/id_ed25519 git@github.com:example/shop.git
} </dev/null
__DEPLOY_EOF_3b045049ef79
