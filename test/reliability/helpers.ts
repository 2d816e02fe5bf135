// Shared by the reliability suite: a live demo with tagged good and broken versions, a CLI run
// cut at a named point (DEPLOY_PAUSE_AT), the data's checksum, and a report file the suite's
// figures go to (RELIABILITY.md is made from it). What a host serves: served() in ../e2e/helpers.ts.
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { Host } from '../testbed/index.ts';
import { BIN, commitVersion, liveDemo, runCli, type CliResult, type LiveDemo } from '../e2e/helpers.ts';

export const ROOT = '/opt/django/apps/demo';
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where each test appends its figures (one JSON object per line). */
export const REPORT = process.env.DEPLOY_RELIABILITY_REPORT ?? '/tmp/deploy-reliability.jsonl';
export function report(entry: Record<string, unknown>): void {
  appendFileSync(REPORT, `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
}

export interface Bench extends LiveDemo {
  cli(...args: string[]): Promise<CliResult>;
}

/**
 * A live demo whose repository has three tags: good-a and good-b (pages saying so) and broken
 * (gunicorn cannot load the app: the health check fails at once). good-a is deployed.
 */
export async function bench(extra = ''): Promise<Bench> {
  const demo = await liveDemo(`health_timeout = 40\nkeep_releases = 4\n${extra}`);
  const git = (...a: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a], {
      cwd: demo.repo,
      stdio: 'pipe',
    });
  commitVersion(demo.repo, 'good-a');
  git('tag', 'good-a');
  commitVersion(demo.repo, 'good-b');
  git('tag', 'good-b');
  commitVersion(demo.repo, 'broken', (d) =>
    writeFileSync(
      join(d, 'demo/wsgi.py'),
      `${readFileSync(join(d, 'demo/wsgi.py'), 'utf8')}\nraise RuntimeError("this release cannot start")\n`,
    ),
  );
  git('tag', 'broken');
  await demo.git.push('demo', demo.repo);
  const cli = (...args: string[]) => runCli(['-c', demo.file, ...args], { home: demo.home });
  const first = await cli('demo', 'deploy', '--yes', '--ref', 'good-a');
  assert.equal(first.code, 0, first.output);
  return { ...demo, cli };
}

/**
 * Runs the CLI with DEPLOY_PAUSE_AT=point and SIGKILLs it as soon as the remote script says it
 * paused there: the run ends at that point exactly, as a kill -9 at that moment would end it.
 */
export function killAt(b: Bench, point: string, ...args: string[]): Promise<{ paused: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '-c', b.file, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: b.home, NO_COLOR: '1', DEPLOY_PAUSE_AT: point },
    });
    let output = '';
    let paused = false;
    const onData = (d: Buffer) => {
      output += d;
      if (!paused && /paused before/.test(output)) {
        paused = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    // A deploy reaches its last point in seconds on a quiet machine; a loaded one (CI runs three
    // such files at once, one installing packages) may take minutes: never a reason to fail.
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ paused, output });
    });
  });
}

/** What `status --json` says the host serves. */
export async function statusOf(
  b: Bench,
): Promise<{ live_slot: string; release: { name?: string; ref?: string } | null; current: string; lock: unknown }> {
  const r = await b.cli('demo', 'status', '--json');
  assert.equal(r.code, 0, r.output);
  return JSON.parse(r.stdout).hosts[`ubuntu@${b.host.ip}`].status;
}

/**
 * The data a deploy must never lose: the sqlite rows present now (by checksum) and a media file.
 * Returns a function that checks them again later.
 */
export async function snapshotData(host: Host): Promise<() => Promise<void>> {
  await host.run(`sudo -u django sh -c 'echo "uploaded by a user" > ${ROOT}/shared/media/upload.txt'`);
  const dump = (upTo: string) =>
    host.run(
      `cd ${ROOT}/shared/data && python3 -c "import sqlite3, hashlib, sys; c = sqlite3.connect('db.sqlite3'); print(c.execute('pragma integrity_check').fetchone()[0]); rows = c.execute('select * from pages_visit where id <= ? order by id', (${upTo},)).fetchall(); print(len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())" && md5sum ${ROOT}/shared/media/upload.txt`,
    );
  const max = (
    await host.run(
      `cd ${ROOT}/shared/data && python3 -c "import sqlite3; print(sqlite3.connect('db.sqlite3').execute('select coalesce(max(id), 0) from pages_visit').fetchone()[0])"`,
    )
  ).trim();
  const before = await dump(max);
  assert.match(before, /^ok\n/);
  return async () =>
    assert.equal(await dump(max), before, 'the database rows and media files present before the faults are unchanged');
}

export function ensureReportDir(): void {
  mkdirSync(join(REPORT, '..'), { recursive: true });
}
