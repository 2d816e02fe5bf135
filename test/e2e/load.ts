// A bounded HTTP load generator for the zero-downtime tests: a fresh connection per
// request (the worst case for a switch), a fixed rate, every status and error counted.
import { request, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import assert from 'node:assert/strict';

/** Send the load over HTTPS to port 443: SNI and Host header `servername`, verified against `ca`. */
export interface LoadTls {
  servername: string;
  ca: string;
}

export interface LoadStats {
  sent: number;
  ok: number;
  /** Non-2xx statuses and transport errors (refused, reset...), with counts. */
  failures: Record<string, number>;
  durationS: number;
  rate: number;
  bodies: Set<string>;
  /** The slowest answer, and how many took over 5 s (a loaded machine, or a stall). */
  maxMs: number;
  slow: number;
  /** Over HTTPS only: the serial numbers of the certificates the server presented. */
  serials?: Set<string>;
  /** Requests not sent because MAX_IN_FLIGHT were still waiting (a starved machine, or a stall). */
  held: number;
}

// An open-loop load on a starved machine piles up thousands of waiting connections until nginx
// runs out of worker_connections and resets them (or answers 500): the test machine's failure,
// not the tool's. Past this many unanswered requests the load waits instead (counted as held).
const MAX_IN_FLIGHT = 200;

/**
 * The steady load of the long reliability tests, per host. Each request runs Django (with a write
 * to SQLite): 40 a second cost a third of a core, and three such hosts for the kill-point suite's
 * whole run were the largest single cost of the suite on a two-core CI machine. Ten a second
 * still sends thousands of requests across every switch, kill and cut.
 */
/**
 * How long a request waits for its answer: longer than nginx's proxy_read_timeout, so a request
 * stuck upstream comes back as nginx's 504 (a failure), while a merely slow answer on a loaded
 * machine is not a failed request. The tests' page checks wait as long: slow is not down.
 */
export const ANSWER_WAIT_MS = 60_000;

export const STEADY_RATE = Number(process.env.DEPLOY_LOAD_RATE ?? 10);

export function startLoad(
  host: string,
  path = '/health',
  ratePerS = 100,
  maxS = 120,
  tls?: LoadTls,
): { stop(): Promise<LoadStats> } {
  const started = performance.now();
  const stats: LoadStats = {
    sent: 0,
    ok: 0,
    failures: {},
    durationS: 0,
    rate: 0,
    bodies: new Set(),
    maxMs: 0,
    slow: 0,
    serials: tls ? new Set() : undefined,
    held: 0,
  };
  const inflight = new Set<Promise<void>>();
  let running = true;
  const fail = (why: string) => (stats.failures[why] = (stats.failures[why] ?? 0) + 1);
  const one = () =>
    new Promise<void>((resolve) => {
      stats.sent++;
      const t0 = performance.now();
      const took = () => {
        const ms = performance.now() - t0;
        stats.maxMs = Math.max(stats.maxMs, Math.round(ms));
        if (ms > 5000) stats.slow++;
      };
      const options = { host, path, agent: false as const, timeout: ANSWER_WAIT_MS, headers: { connection: 'close' } };
      // A fresh TLS handshake per request too: a certificate swap shows in the very next one.
      const send = tls
        ? (cb: (res: IncomingMessage) => void) =>
            httpsRequest(
              {
                ...options,
                port: 443,
                servername: tls.servername,
                ca: tls.ca,
                headers: { ...options.headers, host: tls.servername },
              },
              cb,
            )
        : (cb: (res: IncomingMessage) => void) => request({ ...options, port: 80 }, cb);
      const req = send((res) => {
        stats.serials?.add((res.socket as TLSSocket).getPeerCertificate().serialNumber);
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => {
          took();
          if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) {
            stats.ok++;
            stats.bodies.add(body.match(/demo app v\w+/)?.[0] ?? body.slice(0, 20));
          } else fail(`HTTP ${res.statusCode}`);
          resolve();
        });
        res.on('error', (e) => (fail((e as NodeJS.ErrnoException).code ?? e.message), resolve()));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => (fail((e as NodeJS.ErrnoException).code ?? e.message), resolve()));
      req.end();
    });
  // Each tick sends what the schedule says is due, so a busy event loop (timers fire late on a
  // loaded machine) does not lower the rate.
  const timer = setInterval(() => {
    const elapsed = performance.now() - started;
    // Past maxS it ends by itself: a test that failed before stop() must not run forever.
    if (elapsed > maxS * 1000) clearInterval(timer);
    if (!running || elapsed > maxS * 1000) return;
    while (stats.sent + stats.held < Math.floor((elapsed / 1000) * ratePerS) + 1) {
      if (inflight.size >= MAX_IN_FLIGHT) {
        stats.held++;
        continue;
      }
      const p = one().finally(() => inflight.delete(p));
      inflight.add(p);
    }
  }, 1000 / ratePerS);
  return {
    async stop() {
      running = false;
      clearInterval(timer);
      // The offered rate: requests due over the time they were due (not the drain after); held
      // ones count, as the schedule kept its pace (stats.held says how many were not sent).
      stats.rate = (stats.sent + stats.held) / ((performance.now() - started) / 1000);
      await Promise.all(inflight);
      stats.durationS = (performance.now() - started) / 1000;
      return stats;
    },
  };
}

/**
 * The same load for `seconds` with nothing deployed meanwhile, in the same run: requests that
 * fail here fail because of the machine (a starved two-core runner), not a deploy, and a test
 * that saw them could not judge one: it stops and says so rather than pass or blame the tool.
 */
export async function controlPeriod(host: string, path: string, ratePerS: number, seconds = 10): Promise<LoadStats> {
  const load = startLoad(host, path, ratePerS, seconds + 5);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const stats = await load.stop();
  assert.deepEqual(
    stats.failures,
    {},
    `the control period (the same load for ${seconds} s, no deploy) lost requests of ${stats.sent}: this machine cannot judge a deploy now`,
  );
  return stats;
}
