// remote/lib/build.sh under a local bash, with a stub Python that says how it was called.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { sh } from '../../src/shell.ts';
import { bash, scratch } from './lib-shell.ts';

/** A Python that logs its arguments (and API_KEY) to LOG; venv makes a directory with a copy of it. */
const STUB = `#!/bin/bash
echo "$* API_KEY=\${API_KEY:-}" >>"$STUB_LOG"
case "$1 $2" in
  "-c import sys; print(sys.version)") echo "3.11.0 stub" ;;
  "-c import pip") case $0 in *.venv/bin/python) exit 1 ;; *) exit "\${HOST_PIP:-0}" ;; esac ;;
  "- ") exit 1 ;;
  "-m pip") [ "$3" != --version ] || exit "\${HOST_PIP:-0}" ;;
  "-m venv") mkdir -p "\${@: -1}/bin" && cp "$0" "\${@: -1}/bin/python" ;;
esac
`;

/** A release directory with its environment file, and a Python for the host and for its virtualenv. */
function release() {
  const root = scratch('build');
  const dir = join(root, 'releases', 'r1');
  const python = join(root, 'python3');
  mkdirSync(join(dir, '.venv', 'bin'), { recursive: true });
  writeFileSync(python, STUB);
  chmodSync(python, 0o755);
  writeFileSync(join(dir, '.venv', 'bin', 'python'), STUB);
  chmodSync(join(dir, '.venv', 'bin', 'python'), 0o755);
  writeFileSync(join(dir, '.deploy-env'), "API_KEY='s3cret'\n");
  const log = join(root, 'python.log');
  return {
    root,
    dir,
    python,
    log,
    env: { STUB_LOG: log },
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8') : ''),
  };
}

test('deploy_virtualenv: one environment per requirements, Python and options, keyed as it always was', () => {
  const t = release();
  rmSync(join(t.dir, '.venv'), { recursive: true });
  writeFileSync(join(t.dir, 'requirements.txt'), 'Django==5.0\n');
  const venvs = join(t.root, 'virtualenvs');
  const call = String(
    sh`deploy_virtualenv ${[t.dir, venvs, t.python, 'true', '--find-links', '/srv/wheels', '--no-index']}`,
  );
  const r = bash(call, { env: t.env });
  assert.equal(r.status, 0, r.stderr);
  // Environments built before this library keep their key: the same text is hashed.
  const key = createHash('sha256')
    .update('Django==5.0\n3.11.0 stub\nssp=true pip=--find-links /srv/wheels --no-index\n')
    .digest('hex')
    .slice(0, 16);
  assert.equal(readlinkSync(join(t.dir, '.venv')), join(venvs, key));
  assert.match(
    t.calls(),
    new RegExp(`^-m venv --without-pip --system-site-packages ${join(venvs, key)} `, 'm'),
    'the host has pip: none of its own',
  );
  writeFileSync(join(venvs, key, '.deploy-complete'), '');
  rmSync(t.log);
  assert.equal(bash(call, { env: t.env }).status, 0);
  assert.doesNotMatch(t.calls(), /-m venv/, 'a complete environment is reused');
  rmSync(join(venvs, key), { recursive: true });
  assert.equal(
    bash(String(sh`deploy_virtualenv ${[t.dir, venvs, t.python, 'false']}`), { env: { ...t.env, HOST_PIP: '1' } })
      .status,
    0,
  );
  assert.match(t.calls(), /^-m venv \S+ API_KEY=$/m, "without the host's pip, without system packages: a plain venv");
});

test("deploy_requirements: pip with the options and the release's environment, then the environment is complete", () => {
  const t = release();
  writeFileSync(join(t.dir, 'requirements.txt'), 'Django\n');
  const r = bash(String(sh`deploy_requirements ${[t.dir, t.python, '--index-url', 'https://pypi.example/simple']}`), {
    env: t.env,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    t.calls(),
    /^-m pip --python \.venv\/bin\/python install --index-url https:\/\/pypi\.example\/simple -r requirements\.txt API_KEY=s3cret$/m,
  );
  assert.ok(existsSync(join(t.dir, '.venv', '.deploy-complete')));
  const bare = release();
  assert.equal(bash(String(sh`deploy_requirements ${[bare.dir, bare.python]}`), { env: bare.env }).status, 0);
  assert.equal(bare.calls(), '', 'no requirements.txt: no pip');
  assert.ok(existsSync(join(bare.dir, '.venv', '.deploy-complete')));
});

test('__requirements_met: pip is skipped only when every line is a plain requirement the environment satisfies', (t) => {
  const python = spawnSync('python3', ['-c', 'import importlib.metadata as m; print(m.version("pip"))'], {
    encoding: 'utf8',
  });
  if (python.status !== 0) return t.skip('no python3 with pip here');
  const pip = python.stdout.trim();
  const root = scratch('build');
  mkdirSync(join(root, '.venv', 'bin'), { recursive: true });
  symlinkSync(
    spawnSync('bash', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim(),
    join(root, '.venv', 'bin', 'python'),
  );
  const met = (text: string) => {
    writeFileSync(join(root, 'requirements.txt'), text);
    return bash(`cd ${root} && __requirements_met`).status === 0;
  };
  assert.equal(met(`# pinned\npip>=1.0  # the installer\n\n`), true);
  assert.equal(met(`pip==${pip}\nno-such-thing>=1 ; python_version < "3"\n`), true, 'a marker that does not apply');
  assert.equal(met('pip>=999\n'), false, 'another version');
  assert.equal(met('no-such-package-anywhere\n'), false, 'missing');
  assert.equal(met('-r other.txt\n'), false, 'an option: pip decides');
  assert.equal(met('pip>=1 --hash=sha256:00\n'), false);
  assert.equal(met('pip[extra]>=1\n'), false, 'extras');
  assert.equal(met('pip @ https://example.org/pip.whl\n'), false, 'a URL');
});

test('deploy_gunicorn and deploy_django: pip and manage.py in the release', () => {
  const t = release();
  assert.equal(bash(String(sh`deploy_gunicorn ${[t.dir, t.python]}`), { env: t.env }).status, 0);
  assert.match(
    t.calls(),
    /^-m pip --python \.venv\/bin\/python install --quiet gunicorn API_KEY=$/m,
    "not with the release's environment",
  );
  const r = bash(
    String(sh`deploy_django ${t.dir} ${"c('collectstatic', interactive=False)"} ${"c('migrate', interactive=False)"}`),
    { env: t.env },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    t.calls(),
    /^manage\.py shell -c from django\.core\.management import call_command as c; c\('collectstatic', interactive=False\); c\('migrate', interactive=False\) API_KEY=s3cret$/m,
  );
});

test("the environment file and the release's metadata: written whole, readable by the app user only", () => {
  const t = release();
  const env = join(t.dir, '.deploy-env');
  assert.equal(bash(String(sh`deploy_write_env ${env}`), { input: "A='1'\n" }).status, 0);
  assert.equal(readFileSync(env, 'utf8'), "A='1'\n");
  assert.equal(statSync(env).mode & 0o777, 0o600);
  const shared = join(t.root, 'shared');
  mkdirSync(join(t.dir, 'media'));
  const r = bash(String(sh`deploy_finish_export ${t.dir} ${shared}`), { input: '{"release":"r1"}\n' });
  assert.equal(r.status, 0, r.stderr);
  for (const d of ['media', 'data', 'log']) assert.equal(readlinkSync(join(t.dir, d)), `${shared}/${d}`);
  assert.equal(readFileSync(join(t.dir, '.deploy-release'), 'utf8'), '{"release":"r1"}\n');
  assert.equal(statSync(join(t.dir, '.deploy-release')).mode & 0o777, 0o640);
});

test("collectstatic and migrate are skipped when their inputs are the live release's, whose files are then reused", () => {
  const t = release();
  const live = join(t.root, 'releases', 'r0');
  const venv = join(t.root, 'venv');
  mkdirSync(venv);
  for (const dir of [t.dir, live]) {
    mkdirSync(join(dir, 'app', 'static'), { recursive: true });
    writeFileSync(join(dir, 'manage.py'), '');
    writeFileSync(join(dir, 'app', 'static', 'site.css'), 'a {}\n');
    rmSync(join(dir, '.venv'), { recursive: true, force: true });
    symlinkSync(venv, join(dir, '.venv'));
  }
  const same = (...extra: string[]) => bash(String(sh`deploy_django_same ${[t.dir, live, ...extra]}`)).status;
  assert.equal(same(), 1, 'the live release recorded nothing');
  assert.equal(bash(String(sh`deploy_django_record ${live}`)).status, 0);
  assert.equal(same(), 0);
  assert.equal(same('static'), 1, 'the live release has no collected files to give');
  mkdirSync(join(live, '.deploy-www', 'static'), { recursive: true });
  writeFileSync(join(live, '.deploy-www', 'static', 'site.css'), 'a {}\n');
  assert.equal(same('static'), 0);
  writeFileSync(join(t.dir, 'app', 'static', 'site.css'), 'a { color: red }\n');
  assert.equal(same('static'), 1, 'a static file changed');
  rmSync(join(t.dir, 'manage.py'));
  assert.equal(same('static'), 0, 'no manage.py: nothing to run');
  writeFileSync(join(t.dir, 'manage.py'), '');
  // The record is the hash deploy_django_same computed (kept beside), not a second walk of the tree.
  same('static');
  assert.equal(bash(String(sh`deploy_django_record ${t.dir}`)).status, 0);
  assert.equal(
    readFileSync(join(t.dir, '.deploy-django'), 'utf8'),
    readFileSync(join(t.dir, '.deploy-django-inputs'), 'utf8'),
  );
  assert.notEqual(
    readFileSync(join(t.dir, '.deploy-django'), 'utf8'),
    readFileSync(join(live, '.deploy-django'), 'utf8'),
  );
  assert.equal(bash(String(sh`deploy_reuse_static ${t.dir} ${live}`)).status, 0);
  assert.equal(
    statSync(join(t.dir, '.deploy-www', 'static', 'site.css')).ino,
    statSync(join(live, '.deploy-www', 'static', 'site.css')).ino,
    'hard links',
  );
});

test("deploy_hook: the operator's command in the release, with its environment and virtualenv; a failure names the hook", () => {
  const t = release();
  const ok = bash(String(sh`deploy_hook after_switch ${t.dir} ${'echo "$PWD $API_KEY"; command -v python'}`));
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, `${t.dir} s3cret\n${t.dir}/.venv/bin/python\n`);
  const failed = bash(String(sh`deploy_hook before_build ${t.dir} ${'exit 3'}`));
  assert.equal(failed.status, 3);
  assert.equal(failed.stderr, 'hook before_build failed (exit status 3)\n');
  assert.equal(bash(String(sh`deploy_release_bash ${t.dir} ${'exit 4'}`)).status, 4);
});

test('deploy_venv_state, deploy_send_venv, deploy_receive_venv: an environment built once, checked and put in place elsewhere', () => {
  const t = release();
  writeFileSync(join(t.dir, 'requirements.txt'), 'Django==5.0\n');
  const venvs = join(t.root, 'virtualenvs');
  const state = bash(String(sh`deploy_venv_state ${[t.dir, venvs, t.python, 'true']}`), { env: t.env });
  assert.equal(state.status, 0, state.stderr);
  const [venv, complete, platform] = state.stdout.trim().split(' ');
  assert.equal(venv.startsWith(`${venvs}/`), true);
  assert.equal(complete, 'no');
  assert.match(platform, /^\S+\/\S+-\S+$/, 'architecture/os-version');
  // Not complete: nothing to send.
  assert.notEqual(bash(String(sh`deploy_send_venv ${venv}`)).status, 0);
  mkdirSync(join(venv, 'bin'), { recursive: true });
  writeFileSync(join(venv, 'bin', 'tool'), '#!/bin/sh\n');
  chmodSync(join(venv, 'bin', 'tool'), 0o755);
  symlinkSync('/usr/bin/python3', join(venv, 'bin', 'python'));
  writeFileSync(join(venv, '.deploy-complete'), '');
  const other = join(t.root, 'elsewhere', 'virtualenvs', 'k');
  mkdirSync(join(other, '..'), { recursive: true });
  const ship = (sum: string) =>
    bash(
      `deploy_send_venv ${venv} > ${t.root}/env.tgz && deploy_receive_venv ${other} "${sum || '$(sha256sum ' + t.root + '/env.tgz | cut -c1-64)'}" ubuntu@primary < ${t.root}/env.tgz`,
    );
  const bad = ship('0'.repeat(64));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /damaged .*refused, nothing changed/);
  assert.equal(existsSync(other), false);
  const ok = ship('');
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(readlinkSync(join(other, 'bin', 'python')), '/usr/bin/python3', 'its links as they were made');
  assert.equal(statSync(join(other, 'bin', 'tool')).mode & 0o111, 0o111, 'executables stay executable');
  assert.equal(readFileSync(join(other, '.deploy-shipped'), 'utf8'), 'ubuntu@primary\n');
  assert.equal(existsSync(`${other}.incoming`) || existsSync(`${other}.unpack`), false, 'nothing left beside it');
  const again = bash(String(sh`deploy_venv_state ${[t.dir, venvs, t.python, 'true']}`), { env: t.env });
  assert.equal(again.stdout.split(' ')[1], 'yes');
});
