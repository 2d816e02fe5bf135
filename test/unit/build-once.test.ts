// Build once for the fleet: which hosts receive an environment instead of building it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shareGroups } from '../../src/fleet/build-once.ts';
import type { HostRun } from '../../src/fleet/fleet.ts';
import { parseEnvironmentState, receiveEnvironment, sendEnvironment } from '../../src/steps/environment.ts';
import { streamCommand } from '../../src/render.ts';

const run = (label: string) => ({ ex: { host: { label } } }) as unknown as HostRun;
const state = (venv: string, complete: boolean, platform = 'amd64/debian-12') => ({ venv, complete, platform });

test('the state a host reports is parsed; none (a dry run) is undefined', () => {
  assert.deepEqual(parseEnvironmentState('/opt/django/virtualenvs/demo/0123abcd yes amd64/debian-12\n'), {
    venv: '/opt/django/virtualenvs/demo/0123abcd',
    complete: true,
    platform: 'amd64/debian-12',
  });
  assert.equal(parseEnvironmentState('<environment>'), undefined);
  assert.equal(parseEnvironmentState(undefined), undefined);
});

test('hosts needing the same new environment on the same platform share it; the primary builds it', () => {
  const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map(run);
  const groups = shareGroups(
    [a, b, c, d, e],
    [
      state('/v/1', false),
      state('/v/1', false),
      state('/v/1', true), // has it: nothing to receive
      state('/v/2', false), // another Python: another name, alone, builds its own
      state('/v/1', false, 'arm64/debian-12'), // same name, another architecture: builds its own
    ],
    b,
  );
  assert.deepEqual(groups, [[b, a]]);
});

test('nothing is shared when no two hosts need the same environment, or the states are unknown', () => {
  const [a, b] = ['a', 'b'].map(run);
  assert.deepEqual(shareGroups([a, b], [state('/v/1', true), state('/v/1', false)]), []);
  assert.deepEqual(shareGroups([a, b], [undefined, undefined]), []);
});

test('the transfer steps are one app command each, streamed: nothing secret on their command lines', () => {
  const ctx = { appUser: 'django' } as Parameters<typeof streamCommand>[1];
  const send = sendEnvironment('/opt/django/virtualenvs/demo/0123abcd', '/tmp/x.tar.gz');
  assert.equal(send.download, '/tmp/x.tar.gz');
  assert.match(streamCommand(send, ctx), /deploy_send_venv \/opt\/django\/virtualenvs\/demo\/0123abcd/);
  const receive = receiveEnvironment(
    '/opt/django/virtualenvs/demo/0123abcd',
    { file: '/tmp/x.tar.gz', bytes: 2048, sha256: 'f'.repeat(64) },
    'ubuntu@10.0.0.2',
  );
  assert.match(streamCommand(receive, ctx), /deploy_receive_venv .*0123abcd f{64} ubuntu@10\.0\.0\.2/);
  assert.match(receive.title, /2\.0 KB|2 KB|2\.0 kB|2048/);
});
