// HTTPS: the certificate nginx serves, from an ACME CA (certbot, HTTP-01 through nginx) or the
// operator's own files, and what status and setup say about it. Plans only: the programs are
// remote/lib/tls.sh's.
import type { Command, Step } from '../plan.js';
import { step, value } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout } from '../layout.js';
import { Masked, sh } from '../shell.js';
import { renderTemplate } from '../templates.js';
import { nginxReload } from './nginx.js';
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

/**
 * certbot's lineage (--cert-name; its files are in /etc/letsencrypt/live/<lineage>/): one per app.
 * nginx reads it through the links layout's tlsLinks holds, named as certbot names its files.
 */
function lineage(s: Settings): string {
  return s.project;
}

/**
 * ssl = custom, before anything is written: both files are there, the key is the certificate's,
 * the certificate covers every server_name and has not expired. Every problem is reported at once.
 */
export function checkCustomCertificate(s: Settings): Step {
  const { certificate, certificateKey } = layout(s);
  const lines = `${names(s).join('\n')}\n`;
  return step('certificate-check', 'check the certificate (ssl_certificate)', [
    { run: sh`deploy_tls_check ${certificate} ${certificateKey}`, stdin: new Masked(lines, lines), probe: true },
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
  const challenges = `${L.acmeRoot}/.well-known/acme-challenge`;
  return step('certificate-prepare', 'HTTPS: challenge directory, renewal', [
    {
      run: sh`install -d -m 0755 ${[L.acmeRoot, `${L.acmeRoot}/.well-known`, challenges]}`,
      unless: sh`test -d ${challenges}`,
    },
    { run: sh`deploy_put_mkdir ${RENEWAL_HOOK} 0755 root:root`, stdin: hook, reportsChange: true },
    { run: sh`deploy_tls_placeholder ${links} ${siteName(s)}`, unless: sh`deploy_tls_linked ${links}` },
    { run: sh`systemctl enable --quiet --now certbot.timer`, unless: sh`deploy_services_on certbot.timer` },
  ]);
}

/**
 * ssl = letsencrypt, once nginx serves the challenge directory: certbot gets one certificate for
 * every name (HTTP-01, webroot), nginx's links move to it and nginx reloads. Skipped while the
 * certificate in place is current: re-running setup never asks the CA again.
 */
export function obtainCertificate(s: Settings): Step {
  const L = layout(s);
  const { server, email = '' } = s.web.acme;
  return step('certificate', `HTTPS certificate for ${s.serverName}`, [
    {
      run: sh`deploy_tls_obtain ${[L.tlsLinks, lineage(s), L.acmeRoot, server, email, ...s.serverName.split(' ')]}`,
      unless: sh`deploy_tls_current ${L.tlsLinks} ${lineage(s)} ${RENEW_BEFORE} ${names(s)}`,
    },
    { run: nginxReload('changed'), probe: true },
  ]);
}

/**
 * ssl = custom: nginx reads certificate files only when it (re)loads, and its config does not
 * change when they are replaced: reload when the certificate it serves is not the file's.
 */
export function reloadForNewCertificate(s: Settings): Step {
  return step('certificate-reload', 'nginx serves the certificate file', [
    { run: sh`deploy_tls_reload_if_new ${s.web.sslPort} ${siteName(s)} ${s.web.certificate}`, probe: true },
  ]);
}

/**
 * What nginx really serves (asked over TLS, so it needs no root): the certificate's serial,
 * expiry and names; with letsencrypt, whether certbot's timer is on and when it runs next.
 */
export function servedCertificate(s: Settings): Command[] {
  return [
    value('certificate', sh`deploy_tls_served ${s.web.sslPort} ${siteName(s)} -serial -enddate -ext subjectAltName`),
    value('renewal', s.web.ssl === 'letsencrypt' ? sh`deploy_tls_renewal` : sh`echo custom`),
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
    renewal:
      enabled === 'custom'
        ? { scheduled: false, by: 'operator' }
        : { scheduled: enabled === 'enabled' && active === 'active', next: next.join(' ') || undefined, by: 'certbot' },
  };
}

/** Setup warns, and status shows in yellow, a certificate that expires within this many days. */
export const EXPIRES_SOON_DAYS = 14;

/** What the operator must act on: the certificate expires soon, or certbot's timer will not renew it. */
export function certificateConcerns(c: CertificateInfo): { expiresSoon: boolean; notRenewed: boolean } {
  return {
    expiresSoon: c.daysLeft < EXPIRES_SOON_DAYS,
    notRenewed: c.renewal.by === 'certbot' && !c.renewal.scheduled,
  };
}

/** One line for status and setup: names, expiry, renewal. */
export function describeCertificate(c: CertificateInfo): string {
  const renewal =
    c.renewal.by === 'operator'
      ? 'renewal: yours (ssl = custom)'
      : c.renewal.scheduled
        ? `renewal scheduled (certbot.timer${c.renewal.next ? `, next ${c.renewal.next}` : ''})`
        : 'renewal NOT scheduled (certbot.timer is off)';
  return `${c.names.join(', ')}; expires ${c.expires.slice(0, 10)} (${c.daysLeft} days); ${renewal}`;
}
