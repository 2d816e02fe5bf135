// Every hostile or mistaken settings file of test/reliability/bad-inputs.ts is refused,
// naming the key, without showing a secret; the hostile-looking but legitimate ones load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ini from 'ini';
import { parseSettings } from '../../src/settings/load.ts';
import { type SettingsError, UsageError } from '../../src/errors.ts';
import { BAD_INPUTS, DEFAULT_ARGS, HOSTILE_ACCEPTED, fillIn } from '../reliability/bad-inputs.ts';

const PLACES = { host: '10.213.9.9', key: '/root/.ssh/testbed_ed25519', repo: 'git@10.213.9.8:/srv/git/demo.git' };

/** The values no message may show: [ENV] values and the email password, as ini reads them. */
function secretsOf(text: string): string[] {
  const parsed = ini.parse(text) as Record<string, Record<string, unknown>>;
  const values = [...Object.values(parsed.ENV ?? {}), parsed.EMAIL?.email_host_password];
  // Short values ("1", "a") would match by chance; what matters is that no real secret leaks.
  return values.filter((v): v is string => typeof v === 'string' && v.length >= 6);
}

function refusal(text: string, app: string): SettingsError | UsageError {
  try {
    parseSettings(text, { app, file: 'settings.ini' });
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  assert.fail('accepted');
}

test('at least 70 bad inputs, each named once, built on the placeholders', () => {
  assert.ok(BAD_INPUTS.length >= 70, `${BAD_INPUTS.length} bad inputs`);
  assert.equal(new Set(BAD_INPUTS.map((b) => b.name)).size, BAD_INPUTS.length, 'names are unique');
  for (const { name, settings } of [...BAD_INPUTS, ...HOSTILE_ACCEPTED]) {
    // Also a plain replaceAll of the placeholders must not change anything else.
    assert.ok(!/(?<![@\uff20])HOST/.test(settings), `${name}: HOST only after @`);
    assert.ok(
      settings.split('KEY').length <= 2 && !/KEY(?!$)/m.test(settings.replace(/^identity_file = KEY$/m, '')),
      `${name}: KEY only as identity_file`,
    );
    assert.ok(!settings.replace(/^repositorio = REPO$/m, '').includes('REPO'), `${name}: REPO only as repositorio`);
  }
});

for (const input of BAD_INPUTS) {
  test(`refused: ${input.name}`, () => {
    const text = fillIn(input.settings, PLACES);
    const e = refusal(text, (input.args ?? DEFAULT_ARGS)[0]);
    assert.match(e.message, input.key);
    for (const secret of secretsOf(text)) assert.ok(!e.message.includes(secret), `a secret is shown: ${e.message}`);
    // Messages are one line per problem: no raw control character reaches the terminal.
    assert.ok(!/[\0-\x09\x0b-\x1f\x7f]/.test(e.message), `raw control character in: ${JSON.stringify(e.message)}`);
    assert.ok(e.message.length < 5000, 'messages stay short');
  });
}

for (const accepted of HOSTILE_ACCEPTED) {
  test(`accepted literally: ${accepted.name}`, () => {
    const s = parseSettings(fillIn(accepted.settings, PLACES), {
      app: (accepted.args ?? DEFAULT_ARGS)[0],
      file: 'settings.ini',
    });
    for (const [k, v] of Object.entries(accepted.env ?? {})) assert.equal(s.env[k]?.reveal(), v, k);
    for (const [k, v] of Object.entries(accepted.email ?? {}))
      assert.equal((s.email[k] as { reveal(): string }).reveal(), v, k);
  });
}
