# maintenance on, planned for test/golden/settings/deploy-user.ini (npm run golden writes this file)
# ---- maintenance page on [maintenance, bash -s]
# step: maintenance
__step=maintenance
__i=1
sudo -n -H -u django -- bash -c 'eval "$(cat)"' <<'__DEPLOY_EOF_5c1d57773a3a'
set -euo pipefail
cd "$HOME" 2>/dev/null || cd /
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
# + remote/markers.sh
# + library: deploy_require_set_up deploy_site_knows_page deploy_put_page
__step=maintenance
__begin 1
( deploy_require_set_up /opt/django/apps/blog blog
) </dev/null
__begin 2
( deploy_site_knows_page /opt/django/apps/blog/maintenance.html /etc/nginx/sites-available/blog blog
) </dev/null
__begin 3
( deploy_put_page /opt/django/apps/blog/maintenance.html
) <<'__DEPLOY_EOF_e38d6763d001'
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Down for maintenance</title>
<style>
  body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center; font: 17px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; background: #f5f5f3; }
  main { max-width: 34em; margin: 2em; padding: 2em 2.5em; background: #fff; border-radius: 8px; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.12); }
  h1 { margin-top: 0; font-size: 1.5em; }
  p { margin-bottom: 0; }
  @media (prefers-color-scheme: dark) { body { color: #ddd; background: #1c1c1c; } main { background: #2a2a2a; } }
</style>
</head>
<body>
<main>
<h1>Down for maintenance</h1>
<p>m</p>
</main>
</body>
</html>
<!-- deploy-maintenance {"since":"now","message":"m","by":"me"} -->
__DEPLOY_EOF_e38d6763d001
__mark changed
__DEPLOY_EOF_5c1d57773a3a
