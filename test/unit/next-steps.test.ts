// Every failure says what to do next (issue 23, item 24): a failed remote step gets a `next:` hint
// naming the command to run again and `status`; a hint of its own (the certificate, a rollback
// name, a taken port) is kept; an unknown rollback name lists what is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RemoteCommandError, withNextStep } from '../../src/errors.ts';

test('a failed step (a failed migrate, the certificate check) gets a next: hint naming the command to run again', () => {
  const migrate = new RemoteCommandError(
    'ubuntu@h',
    'build release r',
    'deploy_manage /r migrate --noinput',
    1,
    'django.db.utils.OperationalError: no such table',
  );
  const err = withNextStep(migrate, 'demo', 'deploy') as RemoteCommandError;
  assert.match(
    err.hint ?? '',
    /Fix what it says, then run `deploy demo deploy` again; `deploy demo status` shows what each host serves/,
  );
  const cert = new RemoteCommandError(
    'ubuntu@h',
    'certificate',
    'check',
    1,
    'the certificate does not cover www.example.com',
  );
  cert.hint = 'Give ssl_certificate a certificate for every server_name.';
  assert.equal(
    (withNextStep(cert, 'demo', 'setup') as RemoteCommandError).hint,
    'Give ssl_certificate a certificate for every server_name.',
    'its own hint stays',
  );
});

test('anything that is not a remote failure passes through untouched', () => {
  const e = new Error('x');
  assert.equal(withNextStep(e, 'demo', 'deploy'), e);
  assert.equal((e as { hint?: string }).hint, undefined);
});
