// Building a release beside the live one: export, environment file, virtualenv, pip,
// Django's collectstatic/migrate, the test command. Everything runs as the app user.
import type { Command } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout, liveSlotCode, type Slot } from '../layout.js';
import { Masked, quote, Secret, sh, type Sh } from '../shell.js';
import { downloadRelease } from './source.js';

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
  /** source = archive or url: the archive the release was unpacked from (with url, `commit` is its sha256 too). */
  archive?: { sha256: string; bytes?: number };
}

/**
 * Export the commit (no .git), link shared dirs, record what it is (0640: it holds the config
 * fingerprint). A commit with git submodules is refused before anything is written: git archive
 * would leave each one an empty directory, and their repositories are not the deploy key's to read.
 */
export function exportRelease(s: Settings, r: ReleaseRef): Command[] {
  const L = layout(s);
  const dir = L.release(r.name);
  // The JSON on stdin, with the fingerprint in it as a secret (redacted wherever it is shown).
  const [head, tail] = JSON.stringify({
    release: r.name,
    ref: r.ref,
    kind: r.kind ?? 'branch',
    commit: r.commit,
    time: r.time ?? new Date().toISOString(),
    by: r.by ?? '',
    source: s.source,
    ...(r.archive ? { sha256: r.archive.sha256, ...(r.archive.bytes ? { bytes: r.archive.bytes } : {}) } : {}),
    fingerprint: '@FP@',
  }).split('@FP@');
  const meta = new Masked(`${head}${r.fingerprint ?? ''}${tail}\n`, `${head}${r.fingerprint?.reveal() ?? ''}${tail}\n`);
  // source = archive: the upload step (source.ts) has unpacked it already.
  const files: Command[] =
    s.source === 'git'
      ? [
          {
            run: sh`deploy_export ${L.repo} ${r.commit} ${dir} ${r.ref}`,
            as: 'app',
            unless: sh`test -f ${dir}/.deploy-release`,
          },
        ]
      : s.source === 'url'
        ? [downloadRelease(s, r.name, r.ref, r.archive?.sha256 ?? r.commit)]
        : [];
  return [
    ...files,
    {
      run: sh`deploy_finish_export ${dir} ${L.shared}`,
      stdin: meta,
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
  return { run: sh`deploy_write_env ${f}`, as: 'app', stdin: envFileContent(s, release) };
}

/** Shell code that exports the release's environment (run from inside the release directory); the library's is __load_env. */
export const LOAD_ENV: Sh = sh`set -a && . ./.deploy-env && set +a`;

export function pipOptions(s: Settings): string[] {
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
  const dir = layout(s).release(release);
  return {
    run: sh`deploy_virtualenv ${[dir, s.venvsDir, s.python, String(s.systemSitePackages), ...pipOptions(s)]}`,
    as: 'app',
    unless: sh`test -f ${dir}/.venv/.deploy-complete`,
  };
}

/** gunicorn comes from requirements or the system site; install it only when missing. */
export function gunicorn(s: Settings, release: string): Command {
  const dir = layout(s).release(release);
  return {
    run: sh`deploy_gunicorn ${[dir, s.python, ...pipOptions(s)]}`,
    as: 'app',
    unless: sh`${dir}/.venv/bin/python -c 'import gunicorn'`,
  };
}

export function requirements(s: Settings, release: string): Command {
  const dir = layout(s).release(release);
  return {
    run: sh`deploy_requirements ${[dir, s.python, ...pipOptions(s)]}`,
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
  /** The build reads what the release changes (steps/changes.ts) before migrate. */
  changes?: boolean;
  /** Read-only probes the build runs too (the server files, when their fingerprint changed): no round trip of their own. */
  reads?: Command[];
  /**
   * The operator is asked before traffic switches: the build stops before migrate, which runs
   * (with the release marked built) only once they say yes (deploy's finishBuild).
   */
  deferMigrate?: boolean;
  /** The idle slot (a web host's): when a deploy left the previous release running there (keep_previous_slot), it stops in the background. */
  idle?: Slot;
}

/** A database other than sqlite is one all hosts share: migrations then run once, on the primary. */
export function sharedDatabase(s: Settings): boolean {
  return !/^sqlite:/i.test(s.django.databaseUrl.reveal());
}

/** How a host builds: by its role, and whether the database is shared. */
export function buildOn(s: Settings, host: { roles: string[]; label: string }): BuildOn {
  return {
    web: host.roles.includes('web'),
    migrate: !sharedDatabase(s),
    primary: host.label === s.primary || (s.fleet ?? s.hosts).length === 1,
  };
}

/**
 * Run once per deploy, on the primary host, in the new release: migrate when the database is
 * shared, then [RUN_ONCE], in order. Before any host switches: a failure switches nothing.
 */
export function runOnceCommands(s: Settings, release: string): Command[] {
  const dir = layout(s).release(release);
  const cmds: Command[] = [];
  if (s.migrate && sharedDatabase(s))
    cmds.push({ run: sh`deploy_manage ${dir} migrate --noinput`, as: 'app', unless: sh`test ! -f ${dir}/manage.py` });
  for (const command of Object.values(s.runOnce))
    cmds.push({ run: sh`deploy_release_bash ${dir} ${command}`, as: 'app' });
  return cmds;
}

/**
 * collectstatic, test_command, migrate, when the release has a manage.py. test_command runs
 * before migrate: a failing test must not leave the database migrated. Without a test
 * command, collectstatic and migrate share one Python process (one Django start-up).
 */
export function djangoCommands(
  s: Settings,
  release: string,
  on: BuildOn = { web: true, migrate: true, primary: true },
): Command[] {
  const p = djangoParts(s, release, on);
  // One Django start-up for collectstatic and migrate, when no test command runs between them.
  if (!s.testCommand) return [...p.page, ...p.django([...p.collect, ...p.migrate]), ...p.reuse, p.record];
  return [...beforeMigrate(p), ...migrateAndRecord(p)];
}

/** A deferred migrate's build (BuildOn.deferMigrate): collectstatic, its reuse and the test command. */
export function djangoBeforeMigrate(s: Settings, release: string, on: BuildOn): Command[] {
  return beforeMigrate(djangoParts(s, release, on));
}

/** ...and what follows once the operator said yes: the page (--maintenance), migrate, the record of Django's inputs. */
export function djangoMigrate(s: Settings, release: string, on: BuildOn): Command[] {
  return migrateAndRecord(djangoParts(s, release, on));
}

type DjangoParts = ReturnType<typeof djangoParts>;
const beforeMigrate = (p: DjangoParts): Command[] => [...p.django(p.collect), ...p.reuse, ...p.test];
const migrateAndRecord = (p: DjangoParts): Command[] => [...p.page, ...p.django(p.migrate), p.record];

function djangoParts(s: Settings, release: string, on: BuildOn) {
  const dir = layout(s).release(release);
  // What collectstatic and migrate read (__django_inputs, remote/lib/build.sh) the same as the
  // live release's (recorded in its .deploy-django): nothing for them to do, and a Django start-up
  // saved per host. The live release's collected files are its own (.deploy-www): with the same
  // inputs the new release gets them as hard links instead of a collectstatic of its own.
  const live = liveDir(s, on.web);
  const collecting = s.collectstatic && on.web;
  const skip = on.force
    ? sh`test ! -f ${dir}/manage.py`
    : sh`deploy_django_same ${dir} ${live}${collecting ? sh` static` : sh``}`;
  const django = (calls: string[]): Command[] =>
    calls.length ? [{ run: sh`deploy_django ${dir} ${calls}`, as: 'app', unless: skip }] : [];
  const migrate = s.migrate && on.migrate ? ["c('migrate', interactive=False)"] : [];
  return {
    django,
    collect: collecting ? ["c('collectstatic', interactive=False, verbosity=1)"] : [],
    migrate,
    page: migrate.length && on.pageOn ? [on.pageOn(skip)] : [],
    record: { run: sh`deploy_django_record ${dir}`, as: 'app', probe: true } satisfies Command,
    reuse: collecting
      ? [{ run: sh`deploy_reuse_static ${dir} ${live}`, as: 'app', probe: true } satisfies Command]
      : [],
    test: s.testCommand ? [{ run: sh`deploy_release_bash ${dir} ${s.testCommand}`, as: 'app' } satisfies Command] : [],
  };
}

/** The release is complete: it may be switched to, now or by a rollback. */
export function markBuilt(s: Settings, release: string): Command {
  const dir = layout(s).release(release);
  return { run: sh`touch ${dir}/.deploy-built`, as: 'app', unless: sh`test -f ${dir}/.deploy-built` };
}
