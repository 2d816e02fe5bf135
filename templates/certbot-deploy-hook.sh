#!/bin/sh
# Written by deploy from templates/certbot-deploy-hook.sh. certbot runs it after it renewed a
# certificate (certbot.timer, twice a day): nginx then serves the new one. The reload is graceful
# (requests under way finish on the old workers); a config nginx -t rejects leaves nginx as it is.
nginx -t -q && systemctl reload nginx
