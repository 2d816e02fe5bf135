// Where a release's files come from (settings `source`): git exports them from each server's own
// mirror (build.ts's exportRelease); archive sends the archive this machine made; url has each
// server download archive_url. Both archive modes land through remote/lib/archive.sh: checked
// against the sha256, unpacked beside the releases, renamed into place when complete.
import type { Command, Step, Upload } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout } from '../layout.js';
import { Masked, sh } from '../shell.js';
import { size } from '../printable.js';

/** archive_url for a ref: {ref} replaced (each part URL-encoded; a ref's / stay). */
export function archiveUrl(template: string, ref: string): string {
  return template.replaceAll('{ref}', ref.split('/').map(encodeURIComponent).join('/'));
}

/** Beside the archive, its .sha256 (before a query string: a token stays where it was). */
export function checksumUrl(url: string): string {
  return url.replace(/^([^?#]*)/, '$1.sha256');
}

/** curl's config for a URL (curl --config -, on stdin): the URL, a secret, is never on a command line. */
function curlConfig(url: (reveal: boolean) => string): Masked {
  // archive_url's rule leaves out quotes, backslashes and spaces: nothing to escape in curl's quoted string.
  return new Masked(`url = "${url(false)}"\n`, `url = "${url(true)}"\n`);
}

/** The archive's URL for a ref, shown with the template redacted (it may hold a token). */
function urlOf(s: Settings, ref: string, wrap = (u: string) => u): (reveal: boolean) => string {
  return (reveal) => (reveal ? wrap(archiveUrl(s.archive!.url.reveal(), ref)) : `[archive_url for ${ref}]`);
}

/**
 * source = url, prepare's probe: the archive's sha256, archive_sha256 or else read from the
 * .sha256 file beside it. The release is this sha256: a deploy of the same archive is a no-op.
 */
export function archiveChecksum(s: Settings, ref: string): Command {
  if (s.archive?.sha256) return { run: sh`echo ${s.archive.sha256}`, probe: true, name: 'archive_sha256', as: 'app' };
  return {
    run: sh`deploy_archive_sha256`,
    stdin: curlConfig(urlOf(s, ref, checksumUrl)),
    as: 'app',
    probe: true,
    name: 'archive_sha256',
  };
}

/** source = url: the server downloads the archive and unpacks it as the release (its top directory stripped). */
export function downloadRelease(s: Settings, name: string, ref: string, sha256: string): Command {
  const L = layout(s);
  return {
    run: sh`deploy_download_archive ${L.releases} ${name} ${sha256} ${s.python}`,
    stdin: curlConfig(urlOf(s, ref)),
    as: 'app',
    unless: sh`test -d ${L.release(name)}`,
  };
}

/**
 * source = archive: the archive this machine made, sent on the connection the host already has,
 * checked and unpacked there as the release `name` (the step's upload, exec/ssh.ts).
 */
export function receiveRelease(s: Settings, name: string, archive: Upload): Step {
  const L = layout(s);
  return {
    id: 'upload',
    title: `send the release archive (${size(archive.bytes)}) and unpack it as ${name}`,
    privileged: true,
    commands: [{ run: sh`deploy_receive_archive ${L.releases} ${name} ${archive.sha256} ${s.python}`, as: 'app' }],
    upload: archive,
  };
}
