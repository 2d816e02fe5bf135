// HTTPS: the certificate nginx serves, from an ACME CA (certbot, HTTP-01 through nginx) or the
// operator's own files, and what status and setup say about it. Plans only.
import type { Command, Step } from '../plan.js';
import { step, value } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout } from '../layout.js';
import { sh, type Sh } from '../shell.js';
import { renderTemplate } from '../templates.js';
import { nginxReloadIf } from './nginx.js';
import { concreteName, siteName } from './slots.js';

const RENEWAL_HOOK = '/etc/letsencrypt/renewal-hooks/deploy/deploy-nginx-reload';
/** certbot renews a certificate 30 days before it expires; setup asks for a new one at the same point. */
const RENEW_BEFORE = 30 * 86400;

export function tlsPackages(s: Settings): string[] {
  return s.web.ssl === 'letsencrypt' ? ['certbot', 'openssl'] : s.web.ssl === 'custom' ? ['openssl'] : [];
}

/** The names a certificate must cover, each one concrete (a wildcard is checked through one of its names). */
function names(s: Settings): string[] {
  return s.serverName.split(' ').map(concreteName);
}

/** Lets letsencrypt's live directory name the lineage: one per app (certbot --cert-name). */
function live(s: Settings, file: string): string {
  return `/etc/letsencrypt/live/${s.project}/${file}`;
}

/**
 * ssl = custom, before anything is written: both files are there, the key is the certificate's,
 * the certificate covers every server_name and has not expired. Every problem is reported at once.
 */
export function checkCustomCertificate(s: Settings): Step {
  const { certificate: crt, certificateKey: key } = layout(s);
  return step('certificate-check', 'check the certificate (ssl_certificate)', [
    {
      run: sh`problems=''; problem() { problems="$problems"$'\n'"  $1"; }
if [ ! -f ${crt} ]; then problem ${`ssl_certificate ${crt}: no such file on this server`}
elif ! openssl x509 -in ${crt} -noout 2>/dev/null; then problem ${`ssl_certificate ${crt}: not a PEM certificate`}
else
  for n in ${names(s)}; do openssl x509 -in ${crt} -noout -checkhost "$n" 2>/dev/null | grep -q ' does match' || problem ${`ssl_certificate ${crt} does not cover`}" $n (server_name)"; done
  openssl x509 -in ${crt} -noout -checkend 0 >/dev/null || problem ${`ssl_certificate ${crt} has expired`}" ($(openssl x509 -in ${crt} -noout -enddate | cut -d= -f2))"
fi
if [ ! -f ${key} ]; then problem ${`ssl_certificate_key ${key}: no such file on this server`}
elif ! openssl pkey -in ${key} -noout 2>/dev/null; then problem ${`ssl_certificate_key ${key}: not an unencrypted PEM private key`}
elif [ -f ${crt} ] && [ "$(openssl x509 -in ${crt} -noout -pubkey 2>/dev/null | openssl sha256)" != "$(openssl pkey -in ${key} -pubout 2>/dev/null | openssl sha256)" ]; then problem ${`ssl_certificate_key ${key} does not match the certificate ${crt}`}
fi
if [ -n "$problems" ]; then echo "the certificate cannot be used; nothing was changed:$problems" >&2; exit 1; fi`,
      probe: true,
    },
  ]);
}

/**
 * ssl = letsencrypt, before nginx gets the HTTPS site: the challenge directory nginx serves, the
 * hook that reloads nginx after each renewal, the renewal timer, and, until certbot has issued
 * the first certificate, a throwaway self-signed one behind the links nginx reads (so the site's
 * config is valid from the start and never changes when the real certificate arrives).
 */
export function prepareLetsencrypt(s: Settings): Step {
  const L = layout(s);
  const links = L.tlsLinks;
  const hook = renderTemplate('certbot-deploy-hook.sh', {}, s.file);
  return step('certificate-prepare', 'HTTPS: challenge directory, renewal', [
    { run: sh`install -d -m 0755 ${L.acmeRoot} ${`${L.acmeRoot}/.well-known`} ${`${L.acmeRoot}/.well-known/acme-challenge`}`, unless: sh`test -d ${`${L.acmeRoot}/.well-known/acme-challenge`}` },
    { run: sh`mkdir -p ${RENEWAL_HOOK.replace(/\/[^/]+$/, '')} && __put ${RENEWAL_HOOK} 0755 root:root`, stdin: hook, reportsChange: true },
    {
      run: sh`install -d -m 0700 ${links} && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj ${`/CN=${siteName(s)}`} -keyout ${`${links}/placeholder.key`} -out ${`${links}/placeholder.crt`} 2>/dev/null && ln -sfn placeholder.crt ${L.certificate} && ln -sfn placeholder.key ${L.certificateKey}`,
      unless: sh`test -e ${L.certificate} && test -e ${L.certificateKey}`,
    },
    { run: sh`systemctl enable --quiet --now certbot.timer`, unless: sh`systemctl is-enabled --quiet certbot.timer && systemctl is-active --quiet certbot.timer` },
  ]);
}

/** Shell test: nginx's links lead to certbot's certificate, which covers every name and is not due for renewal. */
function certificateCurrent(s: Settings): Sh {
  const crt = layout(s).certificate;
  return sh`[ "$(readlink ${crt})" = ${live(s, 'fullchain.pem')} ] && openssl x509 -in ${crt} -noout -checkend ${RENEW_BEFORE} >/dev/null && (for n in ${names(s)}; do openssl x509 -in ${crt} -noout -checkhost "$n" | grep -q ' does match' || exit 1; done)`;
}

/**
 * ssl = letsencrypt, once nginx serves the challenge directory: certbot gets one certificate for
 * every name (HTTP-01, webroot), nginx's links move to it and nginx reloads. Skipped while the
 * certificate in place is current: re-running setup never asks the CA again.
 */
export function obtainCertificate(s: Settings): Step {
  const L = layout(s);
  const W = s.web;
  const account = W.acme.email ? ['--email', W.acme.email] : ['--register-unsafely-without-email'];
  const domains = s.serverName.split(' ').flatMap((n) => ['-d', n]);
  const certbot = sh`certbot certonly --non-interactive --agree-tos --webroot -w ${L.acmeRoot} --cert-name ${s.project} ${domains} --server ${W.acme.server} ${account} --keep-until-expiring`;
  const cmds: Command[] = [
    {
      run: sh`if ! out=$(${certbot} 2>&1); then echo ${`certbot could not get a certificate for ${s.serverName} from ${W.acme.server}`}: >&2; printf '%s\\n' "$out" | grep -v '^\\s*$' | tail -n 12 >&2; exit 1; fi
ln -sfn ${live(s, 'fullchain.pem')} ${L.certificate} && ln -sfn ${live(s, 'privkey.pem')} ${L.certificateKey} && rm -f ${`${L.tlsLinks}/placeholder.crt`} ${`${L.tlsLinks}/placeholder.key`}`,
      unless: certificateCurrent(s),
    },
    { run: nginxReloadIf('[ "$__step_changed" = 1 ]'), probe: true },
  ];
  return step('certificate', `HTTPS certificate for ${s.serverName}`, cmds);
}

/**
 * ssl = custom: nginx reads certificate files only when it (re)loads, and its config does not
 * change when they are replaced: reload when the certificate it serves is not the file's.
 */
export function reloadForNewCertificate(s: Settings): Step {
  const file = sh`openssl x509 -in ${s.web.certificate} -noout -serial`;
  return step('certificate-reload', 'nginx serves the certificate file', [{ run: nginxReloadIf(String(sh`[ "$(${served(s, ['-serial'])})" != "$(${file})" ]`)), probe: true }]);
}

/** Fields (openssl x509's options) of the certificate nginx presents for the site's name; empty when none. */
function served(s: Settings, fields: string[]): Sh {
  return sh`echo | timeout 10 openssl s_client -connect ${`127.0.0.1:${s.web.sslPort}`} -servername ${siteName(s)} 2>/dev/null | openssl x509 -noout ${fields} 2>/dev/null || true`;
}

/**
 * What nginx really serves (asked over TLS, so it needs no root): the certificate's serial,
 * expiry and names; with letsencrypt, whether certbot's timer is on and when it runs next.
 */
export function servedCertificate(s: Settings): Command[] {
  return [
    value('certificate', served(s, ['-serial', '-enddate', '-ext', 'subjectAltName'])),
    value(
      'renewal',
      s.web.ssl === 'letsencrypt'
        ? sh`echo "$(systemctl is-enabled certbot.timer 2>/dev/null || true) $(systemctl is-active certbot.timer 2>/dev/null || true) $(systemctl show -p NextElapseUSecRealtime --value certbot.timer 2>/dev/null || true)"`
        : sh`echo custom`,
    ),
  ];
}

export interface CertificateInfo {
  serial: string;
  names: string[];
  /** ISO time. */
  expires: string;
  daysLeft: number;
  /** letsencrypt: certbot.timer is enabled and active (renewal scheduled); custom: the operator renews it. */
  renewal: { scheduled: boolean; next?: string; by: 'certbot' | 'operator' };
}

export function parseCertificate(text: string, renewal: string, now = Date.now()): CertificateInfo | null {
  const end = /notAfter=(.+)/.exec(text)?.[1];
  if (!end) return null;
  const expires = new Date(end.trim());
  const names = [...text.matchAll(/DNS:([^,\s]+)/g)].map((m) => m[1]);
  const [enabled, active, ...next] = renewal.trim().split(/\s+/);
  return {
    serial: /serial=([0-9A-Fa-f]+)/.exec(text)?.[1] ?? '',
    names,
    expires: expires.toISOString(),
    daysLeft: Math.floor((expires.getTime() - now) / 86400000),
    renewal: enabled === 'custom' ? { scheduled: false, by: 'operator' } : { scheduled: enabled === 'enabled' && active === 'active', next: next.join(' ') || undefined, by: 'certbot' },
  };
}

/** Setup warns, and status shows in yellow, a certificate that expires within this many days. */
export const EXPIRES_SOON_DAYS = 14;

/** What the operator must act on: the certificate expires soon, or certbot's timer will not renew it. */
export function certificateConcerns(c: CertificateInfo): { expiresSoon: boolean; notRenewed: boolean } {
  return { expiresSoon: c.daysLeft < EXPIRES_SOON_DAYS, notRenewed: c.renewal.by === 'certbot' && !c.renewal.scheduled };
}

/** One line for status and setup: names, expiry, renewal. */
export function describeCertificate(c: CertificateInfo): string {
  const renewal = c.renewal.by === 'operator' ? 'renewal: yours (ssl = custom)' : c.renewal.scheduled ? `renewal scheduled (certbot.timer${c.renewal.next ? `, next ${c.renewal.next}` : ''})` : 'renewal NOT scheduled (certbot.timer is off)';
  return `${c.names.join(', ')}; expires ${c.expires.slice(0, 10)} (${c.daysLeft} days); ${renewal}`;
}
