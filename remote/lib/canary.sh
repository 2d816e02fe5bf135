# shellcheck shell=bash
# Watching the canary hosts of a deploy (src/steps/canary.ts): they went live first, and the
# others follow only if their health path keeps answering and their share of 5xx answers in
# nginx's access log does not grow. The log is root's: it is read through deploy-ctl.

# deploy_access_counts FROM TO: from nginx access log lines (combined format) on stdin, print "REQUESTS SERVER_ERRORS" between epoch seconds FROM (inclusive) and TO (exclusive), leaving out the watch's own checks.
deploy_access_counts() {
  # mawk has no mktime: days since 1970 by the civil calendar (the March-based year), then the time and its offset.
  awk -v from="$1" -v to="$2" '
    function days(y, m, d) {
      if (m <= 2) { y--; m += 12 }
      return 365 * y + int(y / 4) - int(y / 100) + int(y / 400) + int((153 * (m - 3) + 2) / 5) + d
    }
    BEGIN {
      split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", names, " ")
      for (i = 1; i <= 12; i++) month[names[i]] = i
      epoch = days(1970, 1, 1)
    }
    /"deploy-canary"$/ { next }
    match($0, /\[[0-9][0-9]\/[A-Z][a-z][a-z]\/[0-9][0-9][0-9][0-9]:[0-9][0-9]:[0-9][0-9]:[0-9][0-9] [-+][0-9][0-9][0-9][0-9]\]/) {
      ts = substr($0, RSTART + 1, RLENGTH - 2)
      t = (days(substr(ts, 8, 4) + 0, month[substr(ts, 4, 3)], substr(ts, 1, 2) + 0) - epoch) * 86400
      t += substr(ts, 13, 2) * 3600 + substr(ts, 16, 2) * 60 + substr(ts, 19, 2)
      offset = substr(ts, 23, 2) * 3600 + substr(ts, 25, 2) * 60
      t += substr(ts, 22, 1) == "+" ? -offset : offset
      if (t < from || t >= to) next
      # After the time: "request" then the status (nginx escapes a quote inside the request).
      split(substr($0, RSTART + RLENGTH), q, "\"")
      split(q[3], f, " ")
      requests++
      if (f[1] >= 500 && f[1] <= 599) errors++
    }
    END { print requests + 0, errors + 0 }'
}
# deploy_canary_watch APP SECONDS SINCE PROJECT URL CURL_ARG...: for SECONDS, check URL through nginx every two seconds (failing twice in a row ends the watch); print "health ok" or why not, then "before R E" and "during R E": requests and 5xx in APP's access log from the switch at epoch second SINCE to the watch's end, and in as long before the switch.
deploy_canary_watch() {
  local app=$1 wait=$2 since=$3 end failed=0 why='' log
  shift 3
  end=$(($(date +%s) + wait))
  while [ "$(date +%s)" -lt "$end" ]; do
    if why=$(deploy_check_through_nginx "$@" -A deploy-canary 2>&1 >/dev/null); then
      failed=0
    else
      failed=$((failed + 1))
      [ "$failed" -lt 2 ] || break
    fi
    sleep 2
  done
  end=$(date +%s)
  if [ "$failed" -ge 2 ]; then echo "health ${why:-no answer}"; else echo 'health ok'; fi
  # nginx writes a request's line when it ends: a moment for the last ones.
  sleep 1
  log=$(__ctl "$app" access-log)
  echo "before $(printf '%s\n' "$log" | deploy_access_counts $((since - (end - since))) "$since")"
  echo "during $(printf '%s\n' "$log" | deploy_access_counts "$since" "$end")"
}
