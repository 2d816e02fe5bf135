# shellcheck shell=bash
# HTTPS: the certificate nginx serves. ssl = letsencrypt: certbot's lineage, behind two links of
# root's (LINKS/fullchain.pem and LINKS/privkey.pem, named as certbot names its files) that lead
# to a throwaway certificate until certbot has issued the real one. ssl = custom: the operator's files.

# deploy_tls_check CERTIFICATE KEY < names: fail, naming every problem at once, unless KEY is CERTIFICATE's, which covers each name and has not expired.
deploy_tls_check() {
  # The names come one a line on stdin: with the two paths, as arguments they would make a line nobody reads.
  local crt=$1 key=$2 problems='' n names
  mapfile -t names
  if [ ! -f "$crt" ]; then problems+=$'\n'"  ssl_certificate $crt: no such file on this server"
  elif ! openssl x509 -in "$crt" -noout 2>/dev/null; then problems+=$'\n'"  ssl_certificate $crt: not a PEM certificate"
  else
    for n in "${names[@]}"; do
      openssl x509 -in "$crt" -noout -checkhost "$n" 2>/dev/null | grep -q ' does match' || problems+=$'\n'"  ssl_certificate $crt does not cover $n (server_name)"
    done
    openssl x509 -in "$crt" -noout -checkend 0 >/dev/null || problems+=$'\n'"  ssl_certificate $crt has expired ($(openssl x509 -in "$crt" -noout -enddate | cut -d= -f2))"
  fi
  if [ ! -f "$key" ]; then problems+=$'\n'"  ssl_certificate_key $key: no such file on this server"
  elif ! openssl pkey -in "$key" -noout 2>/dev/null; then problems+=$'\n'"  ssl_certificate_key $key: not an unencrypted PEM private key"
  elif [ -f "$crt" ] && [ "$(openssl x509 -in "$crt" -noout -pubkey 2>/dev/null | openssl sha256)" != "$(openssl pkey -in "$key" -pubout 2>/dev/null | openssl sha256)" ]; then
    problems+=$'\n'"  ssl_certificate_key $key does not match the certificate $crt"
  fi
  if [ -n "$problems" ]; then echo "the certificate cannot be used; nothing was changed:$problems" >&2; return 1; fi
}
# deploy_tls_linked LINKS: do both links in LINKS lead to a file (the throwaway certificate's, or certbot's)?
deploy_tls_linked() { [ -e "$1/fullchain.pem" ] && [ -e "$1/privkey.pem" ]; }
# deploy_tls_placeholder LINKS NAME: LINKS (0700) gets a throwaway self-signed certificate for NAME, and the links lead to it.
deploy_tls_placeholder() {
  # nginx's config names the links from the start, so it is valid before certbot's first certificate and never changes for it.
  install -d -m 0700 "$1"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$2" -keyout "$1/placeholder.key" -out "$1/placeholder.crt" 2>/dev/null
  ln -sfn placeholder.crt "$1/fullchain.pem"
  ln -sfn placeholder.key "$1/privkey.pem"
}
# deploy_tls_current LINKS LINEAGE SECONDS NAME...: do the links lead to certbot's LINEAGE, which covers each NAME and is good for SECONDS more?
deploy_tls_current() {
  local links=$1 lineage=$2 seconds=$3 n
  shift 3
  [ "$(readlink "$links/fullchain.pem")" = "/etc/letsencrypt/live/$lineage/fullchain.pem" ] || return 1
  openssl x509 -in "$links/fullchain.pem" -noout -checkend "$seconds" >/dev/null || return 1
  for n in "$@"; do
    openssl x509 -in "$links/fullchain.pem" -noout -checkhost "$n" | grep -q ' does match' || return 1
  done
}
# deploy_tls_obtain LINKS LINEAGE WEBROOT SERVER EMAIL NAME...: certbot gets LINEAGE for every NAME from SERVER (HTTP-01 in WEBROOT); the links move to it.
deploy_tls_obtain() {
  local links=$1 lineage=$2 webroot=$3 server=$4 email=$5 out n
  local -a account=(--register-unsafely-without-email) domains=()
  shift 5
  if [ -n "$email" ]; then account=(--email "$email"); fi
  for n in "$@"; do domains+=(-d "$n"); done
  if ! out=$(certbot certonly --non-interactive --agree-tos --webroot -w "$webroot" --cert-name "$lineage" "${domains[@]}" --server "$server" "${account[@]}" --keep-until-expiring 2>&1); then
    echo "certbot could not get a certificate for $* from $server:" >&2
    printf '%s\n' "$out" | grep -v '^\s*$' | tail -n 12 >&2
    return 1
  fi
  ln -sfn "/etc/letsencrypt/live/$lineage/fullchain.pem" "$links/fullchain.pem"
  ln -sfn "/etc/letsencrypt/live/$lineage/privkey.pem" "$links/privkey.pem"
  rm -f "$links/placeholder.crt" "$links/placeholder.key"
}
# deploy_tls_served PORT NAME FIELD...: print the FIELDs (openssl x509's options) of the certificate nginx presents for NAME on PORT; nothing if none.
deploy_tls_served() {
  local port=$1 name=$2
  shift 2
  echo | timeout 10 openssl s_client -connect "127.0.0.1:$port" -servername "$name" 2>/dev/null | openssl x509 -noout "$@" 2>/dev/null || true
}
# deploy_tls_reload_if_new PORT NAME CERTIFICATE: reload nginx when the certificate it presents for NAME on PORT is not the file CERTIFICATE.
deploy_tls_reload_if_new() {
  # nginx reads the file only when it loads its config, which does not change when the file is replaced.
  if [ "$(deploy_tls_served "$1" "$2" -serial)" != "$(openssl x509 -in "$3" -noout -serial)" ]; then __nginx_reload; fi
}
# deploy_tls_renewal: print whether certbot's timer is enabled and active, and when it runs next.
deploy_tls_renewal() {
  echo "$(systemctl is-enabled certbot.timer 2>/dev/null || true) $(systemctl is-active certbot.timer 2>/dev/null || true) $(systemctl show -p NextElapseUSecRealtime --value certbot.timer 2>/dev/null || true)"
}
