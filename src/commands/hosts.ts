// `deploy <app> hosts trust`: every host's key, bastions included, read without logging in,
// shown with its fingerprint and what known_hosts says of it, and the new ones recorded after one
// confirmation. The one explicit way to record keys: strict_host_keys = yes keeps every other
// command refusing unknown keys. A CHANGED key is never overwritten.
import chalk from 'chalk';
import pLimit from 'p-limit';
import { startSession, type GlobalOptions } from '../session.js';
import { AbortedError, ConnectionError, UsageError } from '../errors.js';
import { checkIdentityFile } from '../ssh/keys.js';
import { Connector } from '../ssh/connector.js';
import { readHostKey } from '../ssh/host-key-scan.js';
import { SYSTEM_KNOWN_HOSTS, userKnownHosts } from '../ssh/known-hosts.js';
import { SshConfig, type Hop, type Route } from '../ssh/route.js';
import { formatMs } from '../ui/format.js';
import {
  decide,
  knownHostsName,
  names,
  recordNew,
  toRecord,
  trustFailure,
  trustJson,
  trustTable,
  unreachable,
  type TrustRow,
} from '../ssh/host-trust.js';

export async function hostsTrustCommand(opts: GlobalOptions & { app: string }): Promise<void> {
  const session = startSession(opts.app, 'hosts', opts, false);
  const { settings: s, reporter, asker } = session;
  // Asked once, after the table: without a terminal only --yes (or --dry-run) can answer.
  if (!asker.yes && !asker.interactive)
    throw new UsageError(
      'hosts trust: no terminal to confirm the fingerprints on, and no --yes: no host was contacted, nothing recorded',
      `See the fingerprints with \`deploy ${s.app} hosts trust --dry-run\`, then record them with --yes (e.g. in CI), or run it in a terminal.`,
    );
  const sshConfig = new SshConfig();
  const routes = s.hosts.map((h) => sshConfig.route(h, { identityFile: s.identityFile, proxyJump: s.proxyJump }));
  // Reaching a host behind a bastion means logging into the bastion: its key must be usable, also in a dry run.
  if (opts.dryRun && routes.some((r) => r.jumps.length)) checkIdentityFile(s.identityFile);
  const userFile = userKnownHosts();
  const rows = await readKeys(routes, [userFile, SYSTEM_KNOWN_HOSTS], s.parallel, (text) => reporter.log(text));

  reporter.info(
    trustTable(rows)
      .map((l, i) => (i === 0 ? chalk.dim(l) : l))
      .join('\n'),
  );
  const fresh = toRecord(rows);
  if (!fresh.length) reporter.info('No new key to record.');
  else if (opts.dryRun)
    reporter.info(`dry run: ${fresh.length} new key${fresh.length === 1 ? '' : 's'} not recorded (${names(fresh)})`);
  else {
    const question = `Record the ${fresh.length === 1 ? 'new key' : `${fresh.length} new keys`} above in ${userFile}?`;
    if (!(await asker.confirm(question, false)))
      throw new AbortedError('hosts trust: the fingerprints were not confirmed: nothing recorded');
    recordNew(userFile, rows);
    reporter.info(`recorded in ${userFile}: ${names(fresh)}`);
  }
  // --json: each host's key. Only then: the reporter's own table (printed before an error when
  // it holds several hosts) would only repeat the one above.
  if (reporter.json) for (const r of rows) reporter.hostData(r.label, 'host_key', trustJson(r));
  const failure = trustFailure(rows, s.app);
  if (failure) throw new ConnectionError(failure.message, failure.hint);
  reporter.info(chalk.bold(`hosts trust of ${s.app} done in ${formatMs(performance.now() - session.started)}`));
}

/**
 * Reads every host's key, each bastion's before anything goes through it: a bastion is passed
 * through only when its key is known or new (then exactly the key read here, shown in the table,
 * is accepted for the connection, and recorded only with the rest); behind a bastion whose key
 * CHANGED, or that cannot be reached, nothing is tried. Rows: bastions first, then the hosts.
 */
async function readKeys(
  routes: Route[],
  files: string[],
  parallel: number,
  log: (text: string) => void,
): Promise<TrustRow[]> {
  const limit = pLimit(parallel);
  const pinned = new Map<string, string>();
  const connector = new Connector({
    acceptNewHostKey: async (h, _type, fp) => pinned.get(knownHostsName(h.host, h.port)) === fp,
    recordNewHostKeys: false,
  });
  const outcomes = new Map<string, Promise<TrustRow>>();
  // Each bastion is connected to once for the whole run (however few hosts are read at once), closed at the end.
  const tunnels: Route[] = [];
  const chains = routes.map((r): Hop[] => [...r.jumps, r]);
  const bastions = new Set(chains.flatMap((c) => c.slice(0, -1).map((h) => knownHostsName(h.spec.host, h.spec.port))));

  const read = (chain: Hop[], i: number): Promise<TrustRow> => {
    const name = knownHostsName(chain[i].spec.host, chain[i].spec.port);
    let outcome = outcomes.get(name);
    if (!outcome) {
      outcome = readOne(chain, i);
      outcomes.set(name, outcome);
    }
    return outcome;
  };

  const readOne = async (chain: Hop[], i: number): Promise<TrustRow> => {
    const hop = chain[i];
    const target = {
      label: hop.spec.label,
      host: hop.spec.host,
      port: hop.spec.port,
      via: chain.slice(0, i).map((j) => j.spec.label),
      bastion: bastions.has(knownHostsName(hop.spec.host, hop.spec.port)),
    };
    for (let j = 0; j < i; j++) {
      const b = await read(chain, j);
      if (b.state === 'known' || b.state === 'new') continue;
      return unreachable(
        target,
        `not tried: the bastion ${b.label} ${b.state === 'unreachable' ? 'is not reached' : `presents a ${b.state.toUpperCase()} key`}`,
        b.label,
      );
    }
    const route: Route = { ...hop, jumps: chain.slice(0, i) };
    if (i) tunnels.push(route);
    return limit(async () => {
      log(`reading the host key of ${hop.spec.label}${i ? ` through ${target.via.join(', ')}` : ''}`);
      try {
        const sock = await connector.tunnel(route);
        const row = decide(target, await readHostKey({ host: hop.spec, files, timeoutMs: hop.timeoutMs, sock }), files);
        if (row.state === 'new') pinned.set(row.name, row.fingerprint!);
        log(`${hop.spec.label}: ${row.type} ${row.fingerprint} ${row.state}`);
        return row;
      } catch (err) {
        if (err instanceof UsageError) throw err; // a local key problem (a bastion's identity file): said as it is
        log(`${hop.spec.label}: ${(err as Error).message}`);
        return unreachable(target, (err as Error).message.split('\n')[0].replace(`${hop.spec.label}: `, ''));
      }
    });
  };

  const rows = await Promise.all(chains.flatMap((c) => c.map((_, i) => read(c, i)))).finally(() =>
    Promise.all(tunnels.map((r) => connector.release(r))),
  );
  const unique = [...new Map(rows.map((r) => [r.name, r])).values()];
  return [...unique.filter((r) => r.bastion), ...unique.filter((r) => !r.bastion)];
}
