// A deploy's canary (settings canary, canary_wait, canary_max_5xx): the first web hosts go live
// and are watched before the others follow (fleet/golive.ts). The watch runs on each canary host
// (remote/lib/canary.sh): its health path through nginx, and its access log's answers in the
// watch and in as long before it. Whether the canary passes is decided here, over all of them.
import { step, value, type Step, type StepResult } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { sh } from '../shell.js';
import { siteUrl } from './slots.js';

/** The watch of one canary host, whose switch was at epoch second `since` (its clock: switchBatch's switched_at). */
export function canaryWatch(s: Settings, seconds: number, since: string): Step {
  const { curlArgs, url } = siteUrl(s);
  return step('canary', `watch the canary for ${seconds} s (health path, 5xx answers)`, [
    value('canary', sh`deploy_canary_watch ${s.project} ${seconds} ${since} ${s.project} ${url} ${curlArgs}`),
  ]);
}

export interface Counts {
  requests: number;
  errors: number;
}

export interface Watched {
  host: string;
  /** "ok", or what the health path answered when it failed twice in a row. */
  health: string;
  before: Counts;
  during: Counts;
}

/** One host's watch, as remote/lib/canary.sh prints it; undefined in a dry run. */
export function parseWatch(host: string, res: StepResult): Watched | undefined {
  const text = res.values.canary ?? '';
  const line = (key: string) => new RegExp(`^${key} (.*)$`, 'm').exec(text)?.[1];
  const counts = (key: string): Counts | undefined => {
    const m = /^(\d+) (\d+)$/.exec(line(key) ?? '');
    return m ? { requests: Number(m[1]), errors: Number(m[2]) } : undefined;
  };
  const health = line('health');
  const before = counts('before');
  const during = counts('during');
  if (health === undefined || !before || !during) return undefined;
  return { host, health, before, during };
}

const share = (c: Counts) => (c.requests ? (100 * c.errors) / c.requests : 0);
const percent = (c: Counts) => `${share(c).toFixed(1)}% (${c.errors} of ${c.requests})`;

/**
 * Does the canary pass? Every host's health path kept answering, and the share of 5xx answers on
 * the canary hosts together grew by at most maxPercent points against the time before the switch.
 */
export function canaryVerdict(watched: Watched[], maxPercent: number): { ok: boolean; text: string } {
  const sick = watched.filter((w) => w.health !== 'ok');
  if (sick.length)
    return {
      ok: false,
      text: `the health path stopped answering on ${sick.map((w) => `${w.host} (${w.health})`).join(', ')}`,
    };
  const sum = (key: 'before' | 'during'): Counts => ({
    requests: watched.reduce((n, w) => n + w[key].requests, 0),
    errors: watched.reduce((n, w) => n + w[key].errors, 0),
  });
  const before = sum('before');
  const during = sum('during');
  const rise = share(during) - share(before);
  const text = `5xx answers ${percent(before)} before the switch, ${percent(during)} since`;
  if (rise > maxPercent) return { ok: false, text: `${text}: more than canary_max_5xx = ${maxPercent}% up` };
  return { ok: true, text: during.requests ? text : `${text} (no requests reached it while it was watched)` };
}
