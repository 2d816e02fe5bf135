import { hostname, userInfo } from 'node:os';

/** user@machine, recorded in locks, releases and the deploy log. */
export function operator(): string {
  let user = process.env.USER ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry (containers): keep $USER */
  }
  return `${user}@${hostname()}`;
}
