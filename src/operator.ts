import { readFileSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import ini from 'ini';

/**
 * Who runs `deploy`, recorded in locks, releases and the deploy log (`history`): user@machine,
 * after the person's name when one is known, so that two people on one machine or account (a
 * shared jump host, CI) are told apart. $DEPLOY_OPERATOR names them outright (a CI job: its
 * pipeline and who started it); else git's user.name, as the operator's commits show it.
 */
export function operator(): string {
  let user = process.env.USER ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry (containers): keep $USER */
  }
  const account = `${user}@${hostname()}`;
  const named = process.env.DEPLOY_OPERATOR?.trim() || gitUserName();
  return named ? `${oneLine(named)} (${account})` : account;
}

let gitName: string | undefined | null = null;

/** user.name from git's global config ($XDG_CONFIG_HOME/git/config, then ~/.gitconfig), read once. */
function gitUserName(): string | undefined {
  if (gitName !== null) return gitName;
  gitName = undefined;
  const home = process.env.HOME || homedir();
  const files = [join(process.env.XDG_CONFIG_HOME || join(home, '.config'), 'git', 'config'), join(home, '.gitconfig')];
  for (const file of files) {
    try {
      const name = (ini.parse(readFileSync(file, 'utf8')).user as { name?: unknown } | undefined)?.name;
      if (typeof name === 'string' && name.trim()) gitName = name.trim();
    } catch {
      /* no such file, or not one ini reads */
    }
  }
  return gitName;
}

/** Recorded on one line of JSON and shown in tables: no control characters, at most 80 characters. */
function oneLine(text: string): string {
  return [...text]
    .map((c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 ? ' ' : c))
    .join('')
    .slice(0, 80);
}
