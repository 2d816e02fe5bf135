// Server config files are ejs templates in templates/; a templates/ directory next to
// settings.ini overrides any of them by name.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import { Masked, Secret } from './shell.js';

/** templates/ at the package root: one level up from src/, two from the bundle in dist/cli/. */
export const BUILTIN_TEMPLATES = [
  join(dirname(fileURLToPath(import.meta.url)), '..', 'templates'),
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates'),
].find((d) => existsSync(join(d, 'config_template.conf'))) as string;

export function templatePath(name: string, settingsFile?: string): string {
  if (settingsFile) {
    const local = join(dirname(settingsFile), 'templates', name);
    if (existsSync(local)) return local;
  }
  return join(BUILTIN_TEMPLATES, name);
}

type Compiled = (data: ejs.Data) => string;

/**
 * Each template read and compiled once per process: a fleet renders the same few templates for
 * every host and step, and compiling them each time was nearly half of a 1,000-host deploy's CPU.
 */
const compiled = new Map<string, Compiled>();

function compiledTemplate(name: string, settingsFile: string | undefined, html: boolean): Compiled {
  const key = `${html}\0${settingsFile ?? ''}\0${name}`;
  let fn = compiled.get(key);
  if (!fn) {
    const path = templatePath(name, settingsFile);
    fn = ejs.compile(readFileSync(path, 'utf8'), {
      filename: path,
      ...(html ? {} : { escape: (s: unknown) => String(s) }),
    }) as Compiled;
    compiled.set(key, fn);
  }
  return fn;
}

function mapSecrets(value: unknown, reveal: boolean): unknown {
  if (value instanceof Secret) return reveal ? value.reveal() : String(value);
  if (Array.isArray(value)) return value.map((v) => mapSecrets(v, reveal));
  if (value && typeof value === 'object' && value.constructor === Object) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapSecrets(v, reveal)]));
  }
  return value;
}

/**
 * Renders twice: with secrets as [redacted] for display, and for real for the server. Config
 * files take values as they are; an HTML template (html) gets ejs's own escaping for `<%= %>`.
 */
export function renderTemplate(
  name: string,
  data: Record<string, unknown>,
  settingsFile?: string,
  html = false,
): Masked {
  const render = compiledTemplate(name, settingsFile, html);
  return new Masked(render(mapSecrets(data, false) as ejs.Data), render(mapSecrets(data, true) as ejs.Data));
}
