// The verdicts of `deploy <app> check` from what each server said (src/steps/check.ts): ok,
// warn (setup and deploy go on, the operator should know) or block (setup would fail, or
// worse, half-way: it stops before changing anything).
import type { Settings } from './settings/types.js';
import { webPorts } from './steps/check.js';

export type Verdict = 'ok' | 'warn' | 'block';

export interface CheckRow {
  check: string;
  verdict: Verdict;
  detail: string;
  /** It blocks deploys, not setup: setup gets as far as it can, and its own gate says what to do (the deploy key's). */
  deployOnly?: boolean;
}

/** The Debian releases the test hosts run (README, "Servers"). */
export const TESTED = [
  { id: 'debian', version: '12' },
  { id: 'debian', version: '13' },
];
/** Free space below which a setup (packages, a virtualenv, releases) would run out: 1 GiB. */
export const MIN_FREE_KIB = 1024 * 1024;
/** ...and below which a warning says so: 3 GiB. */
export const LOW_FREE_KIB = 3 * 1024 * 1024;
/** Clock skew that is reported (release names, TLS and logs read the server's clock). */
export const SKEW_WARN_S = 30;

export interface CheckFacts {
  /** The login user's step's values (os, sudo, disk, clock, addresses, python, missing). */
  login: Record<string, string>;
  /** root's (listening, reach, deploy_key); undefined without sudo. */
  root?: Record<string, string>;
  /** This machine's clock (ms since the epoch) at the middle of the login step's round trip, and half that round trip. */
  localMs: number;
  uncertaintyMs: number;
  /** server_name's names as this machine resolves them (ssl = letsencrypt), name -> addresses. */
  resolved?: Record<string, string[]>;
  web: boolean;
}

const gib = (kib: number) => `${(kib / 1024 / 1024).toFixed(1)} GiB`;

function os(login: Record<string, string>): CheckRow {
  const [id = 'unknown', version = '?', ...pretty] = (login.os ?? '').trim().split(' ');
  const tested = TESTED.some((t) => t.id === id && t.version === version);
  return {
    check: 'OS',
    verdict: tested ? 'ok' : 'warn',
    detail: `${pretty.join(' ') || id}${tested ? ' (tested)' : ': not one deploy is tested on (Debian 12 and 13)'}`,
  };
}

function disk(s: Settings, login: Record<string, string>): CheckRow {
  const [free, mount] = (login.disk ?? '').trim().split(' ');
  const kib = Number(free);
  if (!Number.isFinite(kib) || !free)
    return { check: 'disk', verdict: 'warn', detail: `could not read the free space for ${s.home}` };
  const where = `free on ${mount} (where ${s.home} lives)`;
  if (kib < MIN_FREE_KIB)
    return {
      check: 'disk',
      verdict: 'block',
      detail: `${gib(kib)} ${where}: setup needs at least ${gib(MIN_FREE_KIB)}`,
    };
  return { check: 'disk', verdict: kib < LOW_FREE_KIB ? 'warn' : 'ok', detail: `${gib(kib)} ${where}` };
}

function clock(f: CheckFacts): CheckRow {
  const remote = Number((f.login.clock ?? '').trim()) * 1000;
  if (!Number.isFinite(remote) || !remote)
    return { check: 'clock', verdict: 'warn', detail: 'could not read the clock' };
  const skew = (remote - f.localMs) / 1000;
  const abs = Math.abs(skew);
  const within = Math.max(1, Math.ceil(f.uncertaintyMs / 1000));
  const text =
    abs <= within
      ? `within ${within} s of this machine`
      : `${Math.round(abs)} s ${skew >= 0 ? 'ahead of' : 'behind'} this machine`;
  return abs > SKEW_WARN_S + f.uncertaintyMs / 1000
    ? {
        check: 'clock',
        verdict: 'warn',
        detail: `${text}: set up time sync (systemd-timesyncd or chrony); release names, certificates and logs read this clock`,
      }
    : { check: 'clock', verdict: 'ok', detail: text };
}

function ports(s: Settings, root?: Record<string, string>): CheckRow {
  const want = webPorts(s);
  if (!root) return { check: 'ports', verdict: 'warn', detail: `${want.join('/')}: not read (needs sudo)` };
  const lines = (root.listening ?? '').split('\n').filter((l) => l.trim());
  if (lines.some((l) => l.startsWith('? ')))
    return { check: 'ports', verdict: 'warn', detail: 'could not read the listening ports (no ss on the server)' };
  const others = lines.map((l) => l.trim().split(' ')).filter(([, name]) => name !== 'nginx');
  if (others.length)
    return {
      check: 'ports',
      verdict: 'block',
      detail:
        others.map(([port, name]) => `${port} is taken by ${name === '?' ? 'another program' : name}`).join(', ') +
        ': nginx could not listen there',
    };
  const ours = lines.length
    ? `${[...new Set(lines.map((l) => l.split(' ')[0]))].join('/')} nginx's`
    : `${want.join('/')} free`;
  return { check: 'ports', verdict: 'ok', detail: ours };
}

function names(s: Settings, f: CheckFacts): CheckRow | undefined {
  if (s.web.ssl !== 'letsencrypt' || !f.web || !f.resolved) return undefined;
  const mine = new Set((f.login.addresses ?? '').trim().split(/\s+/).filter(Boolean));
  const wrong = Object.entries(f.resolved).filter(([, addrs]) => !addrs.some((a) => mine.has(a)));
  return wrong.length
    ? {
        check: 'server_name',
        verdict: 'warn',
        detail: `${wrong.map(([n, a]) => `${n} resolves to ${a.length ? a.join(', ') : 'nothing'}`).join('; ')}, not to this server: the ACME challenge would not reach it`,
      }
    : { check: 'server_name', verdict: 'ok', detail: `${Object.keys(f.resolved).join(', ')} resolve to this server` };
}

function git(s: Settings, root?: Record<string, string>): CheckRow[] {
  if (s.source !== 'git') return [];
  if (!root) return [{ check: 'git host', verdict: 'warn', detail: 'not read (needs sudo)' }];
  const rows: CheckRow[] = [];
  const reach = (root.reach ?? '').trim();
  rows.push(
    reach === 'yes'
      ? { check: 'git host', verdict: 'ok', detail: 'reachable from the server' }
      : {
          check: 'git host',
          verdict: 'block',
          detail: `the server cannot connect to the repository's host (${s.repository})`,
          deployOnly: true,
        },
  );
  const key = (root.deploy_key ?? '').trim();
  if (key === 'none')
    rows.push({ check: 'deploy key', verdict: 'ok', detail: 'none yet: setup makes it and shows it to add' });
  else if (key === 'yes') rows.push({ check: 'deploy key', verdict: 'ok', detail: 'accepted by the repository' });
  else
    rows.push({
      check: 'deploy key',
      verdict: 'warn',
      detail: `not accepted yet (${key.replace(/^no: /, '')}): add it as a read-only deploy key`,
    });
  return rows;
}

/** Every verdict for one host. */
export function verdicts(s: Settings, f: CheckFacts): CheckRow[] {
  const sudo = (f.login.sudo ?? '').trim() === 'yes';
  const missing = (f.login.missing ?? '').split('\n').filter((l) => l.trim());
  const python = (f.login.python ?? '').trim();
  return [
    os(f.login),
    sudo
      ? { check: 'sudo', verdict: 'ok', detail: 'without a password' }
      : {
          check: 'sudo',
          verdict: 'block',
          detail: 'the login user cannot use sudo without a password (setup runs as root through sudo -n)',
        },
    disk(s, f.login),
    ...(f.web ? [ports(s, f.root)] : []),
    ...[names(s, f)].filter((r): r is CheckRow => !!r),
    clock(f),
    ...git(s, f.root),
    {
      check: 'python',
      verdict: 'ok',
      detail:
        python === 'missing' || !python
          ? `${s.python}: not installed yet (setup installs Debian's, with python3-venv)`
          : python,
    },
    {
      check: 'packages',
      verdict: 'ok',
      detail: missing.length ? `setup would install ${missing.join(' ')}` : 'all installed',
    },
  ];
}

/** The worst verdict of a host (or of all). */
export function worst(rows: { verdict: Verdict }[]): Verdict {
  return rows.some((r) => r.verdict === 'block') ? 'block' : rows.some((r) => r.verdict === 'warn') ? 'warn' : 'ok';
}
