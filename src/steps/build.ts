// Building a release beside the live one: export, environment file, virtualenv, pip,
// Django's collectstatic/migrate, the test command. Everything runs as the app user.
import type { Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout, liveSlotCode } from '../layout.js';
import { Masked, quote, Secret, sh, type Sh } from '../shell.js';

export interface ReleaseRef {
  /** Directory name under releases/. */
  name: string;
  commit: string;
  ref: string;
  kind?: string;
  /**
   * Hash of the server configs, secrets included: a deploy of the live commit with the same
   * fingerprint is a no-op. A secret itself (it could confirm a guessed password): compared on
   * the server, never printed, stored in the 0640 .deploy-release.
   */
  fingerprint?: Secret;
  /** user@machine that deployed it. */
  by?: string;
  /** When it was deployed (ISO 8601); default: now. */
  time?: string;
}

/**
 * Export the commit (no .git), link shared dirs, record what it is (0640: it holds the config
 * fingerprint). A commit with git submodules is refused before anything is written: git archive
 * would leave each one an empty directory, and their repositories are not the deploy key's to read.
 */
export function exportRelease(s: Settings, r: ReleaseRef): Command[] {
  const L = layout(s);
  const dir = L.release(r.name);
  // The JSON, with the fingerprint spliced in as a secret (redacted wherever the command is shown).
  const [head, tail] = JSON.stringify({ release: r.name, ref: r.ref, kind: r.kind ?? 'branch', commit: r.commit, time: r.time ?? new Date().toISOString(), by: r.by ?? '', fingerprint: '@FP@' }).split('@FP@');
  const meta = sh`${head}${r.fingerprint ?? ''}${tail}`;
  const what = `${r.ref} (${r.commit.slice(0, 8)})`;
  const submodules = sh`subs=$(git ls-tree -r --full-tree ${r.commit} | awk -F '\t' '$1 ~ / commit / { print $2 }' | paste -sd, -) && if [ -n "$subs" ]; then echo ${what}" has git submodules, which deploy does not export (git archive would leave them empty): $subs. Commit their files into the repository, or deploy a commit without submodules." >&2; exit 1; fi`;
  return [
    {
      run: sh`cd ${L.repo} && ${submodules} && rm -rf ${dir} && mkdir -p ${dir} && git archive --format=tar ${r.commit} | tar -x -C ${dir}`,
      as: 'app',
      unless: sh`test -f ${dir}/.deploy-release`,
    },
    {
      run: sh`cd ${dir} && for d in media data log; do rm -rf "$d" && ln -sfn ${L.shared}/"$d" "$d"; done && (umask 027 && printf '%s\\n' ${meta} > .deploy-release)`,
      as: 'app',
      unless: sh`test -f ${dir}/.deploy-release`,
    },
  ];
}

/** The environment every app process and build command gets: [ENV] (secrets) plus where its settings are. */
export function appEnv(s: Settings, release?: string): Record<string, string | Secret> {
  return {
    ...s.env,
    ...(s.django.settingsModule ? { DJANGO_SETTINGS_MODULE: s.django.settingsModule } : {}),
    // The release's own copy (release-files.ts): a rollback brings back its configuration too.
    APP_CONFIG_FILE: release ? `${layout(s).release(release)}/.deploy/app.conf` : s.configFile,
  };
}

/** .deploy-env: KEY='value' lines, read by sh (`set -a; . ./.deploy-env`) and by dotenv parsers. */
export function envFileContent(s: Settings, release?: string): Masked {
  const lines = (reveal: boolean) =>
    Object.entries(appEnv(s, release))
      .map(([k, v]) => `${k}=${v instanceof Secret ? (reveal ? quote(v.reveal()) : String(v)) : quote(v)}\n`)
      .join('');
  return new Masked(lines(false), lines(true));
}

/** The release's environment file, readable by the app user only; its values travel on stdin, never in argv. */
export function writeEnvFile(s: Settings, release: string): Command {
  const f = layout(s).envFile(release);
  return { run: sh`(umask 077 && cat > ${`${f}.tmp`} && mv -f ${`${f}.tmp`} ${f})`, as: 'app', stdin: envFileContent(s, release) };
}

/** Shell code that exports the release's environment (run from inside the release directory). */
export const LOAD_ENV: Sh = sh`set -a && . ./.deploy-env && set +a`;

function pipOptions(s: Settings): string[] {
  const opts: string[] = [];
  if (s.pipIndexUrl) opts.push('--index-url', s.pipIndexUrl);
  if (s.pipFindLinks) opts.push('--find-links', s.pipFindLinks);
  if (s.pipFindLinks && !s.pipIndexUrl) opts.push('--no-index');
  return opts;
}

/**
 * The release's environment, cached by the hash of requirements.txt, the Python
 * version and the pip options: an unchanged release reuses it; a changed one gets a
 * new one beside it, so the running release is never disturbed.
 */
export function virtualenv(s: Settings, release: string): Command {
  const L = layout(s);
  const dir = L.release(release);
  const fingerprint = `ssp=${s.systemSitePackages} pip=${pipOptions(s).join(' ')}`;
  const venvArgs = s.systemSitePackages ? ['--system-site-packages'] : [];
  // With the host's pip (python3-pip), the environment gets none of its own (--without-pip
  // skips ensurepip, most of `python -m venv`'s time) and pip installs into it (PIP, below).
  return {
    run: sh`cd ${dir} && key=$({ cat requirements.txt 2>/dev/null || true; ${s.python} -c 'import sys; print(sys.version)'; echo ${fingerprint}; } | sha256sum | cut -c1-16) && venv=${s.venvsDir}/"$key" && if [ ! -f "$venv/.deploy-complete" ]; then rm -rf "$venv" && if ${s.python} -m pip --version >/dev/null 2>&1; then ${s.python} -m venv --without-pip ${venvArgs} "$venv"; else ${s.python} -m venv ${venvArgs} "$venv"; fi; fi && ln -sfn "$venv" .venv`,
    as: 'app',
    unless: sh`test -f ${dir}/.venv/.deploy-complete`,
  };
}

/** pip for the release's environment (run in the release): its own, else the host's aimed at it (pip --python). */
function pip(s: Settings): Sh {
  return sh`__pip() { if .venv/bin/python -c 'import pip' 2>/dev/null; then .venv/bin/python -m pip "$@"; else ${s.python} -m pip --python .venv/bin/python "$@"; fi; }`;
}

/** gunicorn comes from requirements or the system site; install it only when missing. */
export function gunicorn(s: Settings, release: string): Command {
  const dir = layout(s).release(release);
  return {
    run: sh`cd ${dir} && ${pip(s)} && __pip install --quiet ${pipOptions(s)} gunicorn`,
    as: 'app',
    unless: sh`${dir}/.venv/bin/python -c 'import gunicorn'`,
  };
}

export function requirements(s: Settings, release: string): Command {
  const dir = layout(s).release(release);
  return {
    run: sh`cd ${dir} && if [ -f requirements.txt ]; then ${LOAD_ENV} && ${pip(s)} && __pip install ${pipOptions(s)} -r requirements.txt; fi && touch .venv/.deploy-complete`,
    as: 'app',
    unless: sh`test -f ${dir}/.venv/.deploy-complete`,
  };
}

/** The live release's directory: the live slot's on a web host, `current` on a worker (no slots). */
export function liveDir(s: Settings, web: boolean): Sh {
  const L = layout(s);
  return web ? sh`${L.slots}/"$(${liveSlotCode(L)})"` : sh`${L.current}`;
}

/** What a host's build runs: collectstatic on web hosts; migrate here, unless the database is shared (the primary runs it once). */
export interface BuildOn {
  web: boolean;
  migrate: boolean;
  /** The primary host: run-once hooks run here. */
  primary: boolean;
  /** deploy --force: run collectstatic and migrate even when their inputs are the live release's. */
  force?: boolean;
  /** deploy --maintenance: puts the page up, right before migrate (and only if migrate runs). */
  pageOn?: (skip: Sh) => Command;
}

/** A database other than sqlite is one all hosts share: migrations then run once, on the primary. */
export function sharedDatabase(s: Settings): boolean {
  return !/^sqlite:/i.test(s.django.databaseUrl.reveal());
}

/** How a host builds: by its role, and whether the database is shared. */
export function buildOn(s: Settings, host: { roles: string[]; label: string }): BuildOn {
  return { web: host.roles.includes('web'), migrate: !sharedDatabase(s), primary: host.label === s.primary || (s.fleet ?? s.hosts).length === 1 };
}

/**
 * Run once per deploy, on the primary host, in the new release: migrate when the database is
 * shared, then [RUN_ONCE], in order. Before any host switches: a failure switches nothing.
 */
export function runOnceCommands(s: Settings, release: string): Command[] {
  const dir = layout(s).release(release);
  const cmds: Command[] = [];
  if (s.migrate && sharedDatabase(s)) cmds.push({ run: sh`cd ${dir} && ${LOAD_ENV} && .venv/bin/python manage.py migrate --noinput`, as: 'app', unless: sh`test ! -f ${dir}/manage.py` });
  for (const command of Object.values(s.runOnce)) cmds.push({ run: sh`cd ${dir} && ${LOAD_ENV} && PATH=${`${dir}/.venv/bin`}:"$PATH" bash -c ${command}`, as: 'app' });
  return cmds;
}

/**
 * collectstatic, test_command, migrate, when the release has a manage.py. test_command runs
 * before migrate: a failing test must not leave the database migrated. Without a test
 * command, collectstatic and migrate share one Python process (one Django start-up).
 */
export function djangoCommands(s: Settings, release: string, on: BuildOn = { web: true, migrate: true, primary: true }): Command[] {
  const dir = layout(s).release(release);
  // What collectstatic and migrate read: static files, migrations, settings, requirements, the
  // environment and the system's Python packages. The same as the live release's (recorded in
  // its .deploy-django): nothing for them to do, and a Django start-up saved per host.
  // Symlinks are followed (find -L), as Django's finders follow them: a static directory or file
  // that is a link is read through it. Not into the virtualenv, the release's collected files (.deploy-www) nor the shared directories (uploads
  // may be many). A loop or an unreadable directory is said on stderr; the rest still counts.
  const inputs = sh`__django_inputs=$(cd ${dir} && { { find -L . \\( -path ./.venv -o -path ./.deploy-www -o -path ./media -o -path ./data -o -path ./log \\) -prune -o \\( -path '*/static/*' -o -path '*/migrations/*.py' -o -name 'settings*.py' -o -path '*/settings/*.py' \\) -type f -print0 || true; } | sort -z | xargs -0r sha256sum; cat requirements.txt 2>/dev/null || true; readlink -f .venv; ls /usr/lib/python3/dist-packages 2>/dev/null || true; } | sha256sum | cut -c1-16)`;
  const live = liveDir(s, on.web);
  const liveStatic = sh`${live}/.deploy-www`;
  // The live release's collected files are its own (.deploy-www): with the same inputs the new
  // release gets them as hard links instead of a collectstatic of its own.
  const collecting = s.collectstatic && on.web;
  const sameAsLive = on.force ? sh`false` : sh`[ "$(cat ${live}/.deploy-django 2>/dev/null)" = "$__django_inputs" ]${collecting ? sh` && [ -d ${liveStatic} ]` : sh``}`;
  const skip = sh`test ! -f ${dir}/manage.py || { ${inputs} && ${sameAsLive}; }`;
  const django = (calls: string[]): Command[] =>
    calls.length ? [{ run: sh`cd ${dir} && ${LOAD_ENV} && .venv/bin/python manage.py shell -c ${`from django.core.management import call_command as c; ${calls.join('; ')}`}`, as: 'app', unless: skip }] : [];
  const collect = collecting ? ["c('collectstatic', interactive=False, verbosity=1)"] : [];
  const migrate = s.migrate && on.migrate ? ["c('migrate', interactive=False)"] : [];
  const page = migrate.length && on.pageOn ? [on.pageOn(skip)] : [];
  const record: Command = { run: sh`${inputs} && echo "$__django_inputs" > ${dir}/.deploy-django`, as: 'app', probe: true };
  const reuse: Command[] = collecting ? [{ run: sh`if [ ! -d ${dir}/.deploy-www ] && [ -f ${dir}/manage.py ] && [ -d ${liveStatic} ]; then cp -al ${liveStatic} ${dir}/.deploy-www; fi`, as: 'app', probe: true }] : [];
  if (!s.testCommand) return [...page, ...django([...collect, ...migrate]), ...reuse, record];
  const test: Command = { run: sh`cd ${dir} && ${LOAD_ENV} && PATH=${`${dir}/.venv/bin`}:"$PATH" bash -c ${s.testCommand}`, as: 'app' };
  return [...django(collect), ...reuse, test, ...page, ...django(migrate), record];
}

/** The release is complete: it may be switched to, now or by a rollback. */
export function markBuilt(s: Settings, release: string): Command {
  const dir = layout(s).release(release);
  return { run: sh`touch ${dir}/.deploy-built`, as: 'app', unless: sh`test -f ${dir}/.deploy-built` };
}
