// Maintenance mode: the page <appRoot>/maintenance.html on a web host. Its presence is the
// mode: nginx answers every request but the health check and ACME's with it, as a 503 with
// Retry-After. It lives outside releases/, so deploys and rollbacks leave it where it is.
import { step, value, type Command, type Step } from '../plan.js';
import type { Settings } from '../settings/types.js';
import { layout } from '../layout.js';
import { Masked, sh } from '../shell.js';
import { renderTemplate } from '../templates.js';

export const DEFAULT_MESSAGE = 'This site is down for maintenance. Please try again in a few minutes.';

/** Who put a page up and why: status reads it back, a deploy recognises its own page by `run`. */
export interface PageInfo {
  since: string;
  message: string;
  by: string;
  /** The deploy run (its lock token) that put the page up; absent for `maintenance on`. */
  run?: string;
}

const MARK = '<!-- deploy-maintenance ';

/** The page: the template (the message HTML-escaped), then one comment line holding PageInfo. */
export function maintenancePage(s: Settings, info: PageInfo): Masked {
  const html = String(
    renderTemplate(
      'maintenance.html',
      { app: s.app, message: info.message, retryAfter: s.web.maintenanceRetryAfter },
      s.file,
      true,
    ),
  );
  // With - < > & escaped, no message can close the comment early or open a tag.
  const json = JSON.stringify(info).replace(/[-<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  const text = `${html.replace(/\n*$/, '\n')}${MARK}${json} -->\n`;
  return new Masked(text, text);
}

/**
 * Puts the page up atomically (a temp file beside it, then mv: nginx never reads half a page),
 * 0644 for nginx. As the app user, who owns the app's directory: a deploy_user has no root.
 */
export function putPage(s: Settings, page: Masked): Command {
  const file = layout(s).maintenancePage;
  return { run: sh`deploy_put_page ${file}`, as: 'app', stdin: page };
}

/** `maintenance off`: the page goes, whoever put it up. */
export function takeDownPage(s: Settings): Command {
  const file = layout(s).maintenancePage;
  return { run: sh`rm -f ${file}`, as: 'app', unless: sh`test ! -e ${file}` };
}

/** `deploy <app> maintenance on|off` on one web host (page: on, with this page; none: off). */
export function maintenance(s: Settings, page: Masked | undefined, then: Command[] = []): Step {
  const L = layout(s);
  const setUp: Command = { run: sh`deploy_require_set_up ${L.root} ${s.app}`, as: 'app', probe: true };
  // A site written before maintenance mode existed would ignore the page: say so rather than pretend.
  const siteKnows: Command = {
    run: sh`deploy_site_knows_page ${L.maintenancePage} ${L.nginxSite} ${s.app}`,
    as: 'app',
    probe: true,
  };
  return step(
    'maintenance',
    page ? 'maintenance page on' : 'maintenance page off',
    page ? [setUp, siteKnows, putPage(s, page), ...then] : [setUp, takeDownPage(s), ...then],
  );
}

/**
 * deploy --maintenance: the run's page goes up, unless a page is up already (one put up by
 * hand stays, with its message). `skip`: when there is nothing to migrate after all.
 */
export function deployPageOn(s: Settings, info: PageInfo, skip?: Command['unless']): Command {
  const file = layout(s).maintenancePage;
  return {
    ...putPage(s, maintenancePage(s, info)),
    unless: skip ? sh`deploy_page_up_or ${file} ${skip}` : sh`test -e ${file}`,
  };
}

/** The run's page comes down (the release is live, or the run stopped): only its own, never one put up by hand. */
export function deployPageOff(s: Settings, run: string): Command {
  const file = layout(s).maintenancePage;
  return { run: sh`deploy_page_off ${file} ${`"run":"${run}"`}`, as: 'app', probe: true };
}

/**
 * A page a deploy put up is that run's to take down; once the lock is someone else's (the caller
 * holds it), that run is over without having done so (killed, cut off): the page goes now, or the
 * site would stay down for good. A page put up by hand (no run) stays.
 */
export function leftPageOff(s: Settings): Command {
  const file = layout(s).maintenancePage;
  return { run: sh`deploy_page_left ${file} ${'"run":"'}`, as: 'app', probe: true };
}

/** For status: when the page went up on this host (its mtime), and who put it up and why. */
export function pageState(s: Settings): Command {
  const file = layout(s).maintenancePage;
  return value('maintenance', sh`deploy_page_state ${file} ${MARK}`, { as: 'app' });
}

export interface MaintenanceState {
  on: boolean;
  /** When the page went up here (ISO 8601). */
  since?: string;
  message?: string;
  by?: string;
  /** The deploy run (its lock token) that put it up; absent for `maintenance on`. */
  run?: string;
}

export function parsePageState(text: string): MaintenanceState {
  const [mtime, mark = ''] = text.trim().split('\n');
  if (!/^\d+$/.test(mtime ?? '')) return { on: false };
  const state: MaintenanceState = { on: true, since: new Date(Number(mtime) * 1000).toISOString() };
  try {
    const info = JSON.parse(
      mark
        .trim()
        .slice(MARK.length)
        .replace(/\s*-->$/, ''),
    ) as Partial<PageInfo>;
    if (typeof info.message === 'string') state.message = info.message;
    if (typeof info.by === 'string') state.by = info.by;
    if (typeof info.run === 'string') state.run = info.run;
  } catch {
    /* a page written by other means: on, without a message */
  }
  return state;
}

/** A shared database migrates once, on the primary: every web host's page goes up first (not for a release without manage.py). */
export function pageUpForMigrate(s: Settings, info: PageInfo, release: string): Step {
  const noManage = sh`test ! -f ${layout(s).release(release)}/manage.py`;
  return step('maintenance', 'maintenance page on', [deployPageOn(s, info, noManage)]);
}
