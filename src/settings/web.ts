// The web edge's settings: nginx's ports, HTTPS and its certificate, uploads, the maintenance page.
import { cleanPath, inAppTrees } from './rules.js';
import type { Checker } from './checker.js';
import type { Settings } from './types.js';

/** nginx's ports, HTTPS, uploads and the maintenance page; HTTPS needs names a certificate can cover. */
export function webSettings(c: Checker, names: string[], home: string): Settings['web'] {
  const ssl = c.value('ssl') as Settings['web']['ssl'];
  const listenPort = c.int('listen_port');
  const sslPort = c.int('ssl_port');
  const first = names[0] ?? '_';
  if (ssl !== 'none') {
    if (names.includes('_') || !names.length)
      c.report('ssl', `ssl = ${ssl} needs server_name to list the site's names (a certificate cannot cover "_")`);
    if (ssl === 'letsencrypt' && names.some((n) => n.includes('*')))
      c.report('ssl', 'ssl = letsencrypt cannot cover wildcard names (HTTP-01): list each name, or use ssl = custom');
    if (listenPort === sslPort)
      c.report('ssl_port', `${sslPort} is also listen_port: HTTP and HTTPS need their own ports`);
  }
  // nginx's master (root) reads them: never from where the app user writes.
  const custom = (key: string, ext: string) =>
    c.check(
      key,
      (v) => (v.startsWith('/') ? (cleanPath(v) ?? inAppTrees(v, home)) : 'an absolute path on the server'),
      `/etc/ssl/private/httpd/${first}/${first}.${ext}`,
    );
  return {
    listenPort,
    sslPort,
    ssl,
    acme: { email: c.value('acme_email') || undefined, server: c.value('acme_server') },
    certificate: custom('ssl_certificate', 'crt'),
    certificateKey: custom('ssl_certificate_key', 'key'),
    hsts: c.bool('hsts'),
    clientMaxBodySize: c.value('client_max_body_size'),
    maintenanceAuto: c.value('maintenance') === 'auto',
    maintenanceRetryAfter: c.int('maintenance_retry_after'),
  };
}
