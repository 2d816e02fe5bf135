// What every command shares: settings, the reporter, the asker and one executor per
// host (SSH, or the printer for --dry-run). Heavy modules load only when needed.
import { loadSettings } from './settings/load.js';
import type { HostSpec, Settings } from './settings/types.js';
import { Reporter, defaultLogFile } from './ui/output.js';
import { makeAsker, requireAnswerable, type Asker } from './ui/prompt.js';
import type { Executor, IssueListener } from './exec/executor.js';
import { PrinterExecutor } from './exec/printer.js';
import { ConnectionError } from './errors.js';
import { checkIdentityFile } from './ssh/keys.js';
import { outsidePrimary, selectHosts } from './fleet/select.js';

export interface GlobalOptions {
  config: string;
  yes: boolean;
  verbose: boolean;
  dryRun: boolean;
  /** Machine-readable result on stdout. */
  json?: boolean;
  /** --hosts: only these hosts (names as selectHosts reads them). */
  hosts?: string;
  /** Tests: see every command issued. */
  onIssue?: IssueListener;
  /** Tests of the multi-host engine: executors that script hosts instead of connecting. */
  openExecutor?: (host: HostSpec) => Promise<Executor>;
}

export interface Session {
  settings: Settings;
  reporter: Reporter;
  asker: Asker;
  opts: GlobalOptions;
  open(host: HostSpec): Promise<Executor>;
  /** A real connection, also in a dry run: for reading only (the dry run's diff of server files). */
  openSsh(host: HostSpec): Promise<Executor>;
  started: number;
  finish(what: string): void;
}

/** The same host, logged into as another user. */
function asUser(h: HostSpec, user: string): HostSpec {
  return {
    ...h,
    user,
    label: `${user}@${h.host.includes(':') ? `[${h.host}]` : h.host}${h.port === 22 ? '' : `:${h.port}`}`,
  };
}

/** asks=false for commands that never ask (status, logs...): they work without a terminal. */
export function startSession(app: string, command: string, opts: GlobalOptions, asks = true): Session {
  const { settings, rootless } = fleetSettings(loadSettings({ app, file: opts.config, command }), opts, command);
  const fleet = settings.fleet ?? settings.hosts;
  // A missing or unusable key is a local problem: say so before asking or connecting.
  if (!opts.dryRun) checkIdentityFile(settings.identityFile);
  if (asks) requireAnswerable(opts.yes, opts.dryRun);
  const reporter = new Reporter({
    verbose: opts.verbose,
    json: opts.json,
    command,
    app: settings.app,
    dryRun: opts.dryRun,
    logFile: opts.dryRun ? null : defaultLogFile(settings.app, command),
  });
  for (const warning of settings.warnings) reporter.warn(`${settings.file}: ${warning}`);
  const asker = makeAsker(opts.yes || opts.dryRun);
  // Commands whose steps run on every host get the live board on a terminal (not logs' and run's streams).
  // A run that locks also works on the primary --hosts leaves out: it has a line too.
  const outside = ['setup', 'deploy', 'rollback'].includes(command) ? outsidePrimary(settings) : undefined;
  reporter.useHosts(
    outside ? [...settings.hosts, outside] : settings.hosts,
    fleet,
    ['setup', 'deploy', 'rollback', 'status', 'releases', 'unlock'].includes(command),
  );
  const ctx = { appUser: settings.appUser, rootless, pauseAt: process.env.DEPLOY_PAUSE_AT || undefined };
  const started = performance.now();
  // Start loading the SSH modules now (~60 ms), while the command does its local work.
  const loadSsh = () => Promise.all([import('./exec/ssh.js'), import('./ssh/connector.js'), import('./ssh/route.js')]);
  let sshModules = opts.dryRun || opts.openExecutor ? undefined : loadSsh();
  let sshConfig: InstanceType<Awaited<NonNullable<typeof sshModules>>[2]['SshConfig']> | undefined;
  let connector: InstanceType<Awaited<NonNullable<typeof sshModules>>[1]['Connector']> | undefined;
  const acceptNewHostKey = hostKeyQuestion(settings, reporter, asker, opts.dryRun);
  return {
    settings,
    reporter,
    asker,
    opts,
    started,
    async open(host) {
      if (opts.dryRun) return new PrinterExecutor(host, ctx, reporter, opts.onIssue);
      return this.openSsh(host);
    },
    async openSsh(host) {
      if (opts.openExecutor) return opts.openExecutor(host);
      reporter.log(`connecting to ${host.label}`);
      const [{ SshExecutor }, { Connector }, { SshConfig }] = await (sshModules ??= loadSsh());
      sshConfig ??= new SshConfig();
      // A dry run only reads (for its diff): a host that does not answer in 5 s is said so, not waited for (a ConnectTimeout in ~/.ssh/config still applies).
      connector ??= new Connector({
        acceptNewHostKey,
        ...(opts.dryRun ? { timeoutMs: 5000 } : {}),
      });
      // Reached as `ssh HOST` would: ~/.ssh/config, then proxy_jump's bastions.
      const route = sshConfig.route(host, { identityFile: settings.identityFile, proxyJump: settings.proxyJump });
      const c = connector;
      const ssh = await c.open(route).catch(async (e) => {
        await c.release(route);
        throw e;
      });
      reporter.log(
        `connected to ${host.label}${route.jumps.length ? ` through ${route.jumps.map((j) => j.spec.label).join(', ')}` : ''}`,
      );
      return new SshExecutor(host, ssh, ctx, reporter, opts.onIssue, undefined, () => c.release(route));
    },
    finish(what) {
      reporter.finish(what, true, started);
    },
  };
}

/**
 * The settings for this run: with deploy_user, every command but setup logs in as that user (no
 * root; setup needs sudo). Roles and the primary stay the whole fleet's whatever --hosts selects;
 * with deploy_user every label names that user, the primary's included (it is found by its label).
 */
function fleetSettings(
  loaded: Settings,
  opts: GlobalOptions,
  command: string,
): { settings: Settings; rootless: boolean } {
  // check reads what setup needs (sudo among it): it logs in as setup does.
  const rootless = !!loaded.deployUser && command !== 'setup' && command !== 'check';
  const relabel = (h: HostSpec) => (rootless ? asUser(h, loaded.deployUser!) : h);
  const fleet = loaded.hosts.map(relabel);
  const selected = opts.hosts !== undefined ? selectHosts(loaded.hosts, opts.hosts) : loaded.hosts;
  const primary = fleet[loaded.hosts.findIndex((h) => h.label === loaded.primary)]?.label ?? loaded.primary;
  const hosts = fleet.filter((_, i) => selected.includes(loaded.hosts[i]));
  return { settings: { ...loaded, fleet, primary, hosts }, rootless };
}

/** Whether to accept a host's new key: refused (strict_host_keys, dry runs), accepted (--yes), or asked, one host at a time. */
function hostKeyQuestion(
  settings: Settings,
  reporter: Reporter,
  asker: Asker,
  dryRun: boolean,
): (h: HostSpec, type: string, fp: string) => Promise<boolean> {
  // Hosts connect at once: their host-key questions come one after the other.
  let asking: Promise<unknown> = Promise.resolve();
  const oneQuestionAtATime = <T>(ask: () => Promise<T>): Promise<T> => {
    const answer = asking.then(ask, ask);
    asking = answer.catch(() => undefined);
    return answer;
  };
  const accept = async (h: HostSpec, type: string, fp: string): Promise<boolean> => {
    reporter.info(`${h.label}: new host key ${type} ${fp}`);
    if (settings.strictHostKeys) {
      throw new ConnectionError(
        `${h.label}: unknown host key ${type} ${fp}, and strict_host_keys = yes`,
        `Record the fleet's keys first: \`deploy ${settings.app} hosts trust\` shows every host's fingerprint and records them after one confirmation. Or by hand: ssh-keyscan -p ${h.port} ${h.host}, check its fingerprint (ssh-keygen -lf) against the server's (ssh-keygen -lf /etc/ssh/ssh_host_${type.replace(/^ssh-/, '').replace(/^ecdsa-.*/, 'ecdsa')}_key.pub on it), then append it to ~/.ssh/known_hosts.`,
      );
    }
    // A dry run records nothing, not even a host key: the host is not read.
    if (dryRun) throw new ConnectionError(`${h.label}: unknown host key ${fp} (a dry run does not record it)`);
    if (asker.yes) {
      reporter.info(`${h.label}: accepted and recorded in ~/.ssh/known_hosts (--yes)`);
      return true;
    }
    if (!asker.interactive)
      throw new ConnectionError(
        `${h.label}: unknown host key ${fp}`,
        `Check and record the keys with \`deploy ${settings.app} hosts trust\` (in a terminal, or with --yes), or run once with --yes to accept and record it.`,
      );
    return asker.confirm(`Is ${fp} the host key of ${h.host}? Accept and record it?`, false);
  };
  return (h, type, fp) => oneQuestionAtATime(() => accept(h, type, fp));
}
