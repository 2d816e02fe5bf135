// The apps a file defines: a plain [DEPLOY] app, [name.DEPLOY] apps, and the one asked for.
import { SECTIONS } from './schema.js';
import { PATTERNS } from './rules.js';
import { where } from './messages.js';
import { isSection, unquote } from './ini-values.js';
import type { Layout } from './ini-scan.js';

export type RawSection = Record<string, string>;
export type RawApp = Partial<Record<string, RawSection>>;
export interface AppSections {
  prefix: string;
  sections: RawApp;
}

/** Apps in the file: plain [DEPLOY]/[APP]/[EMAIL] is one app named by project_name; [name.DEPLOY] etc. are named apps. */
export function listApps(parsed: Record<string, unknown>): Map<string, AppSections> {
  const apps = new Map<string, AppSections>();
  const plain: RawApp = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!isSection(value)) continue;
    if ((SECTIONS as readonly string[]).includes(name)) {
      plain[name] = value as RawSection;
      continue;
    }
    const nested = Object.entries(value).filter(
      ([k, v]) => isSection(v) && (SECTIONS as readonly string[]).includes(k),
    );
    if (nested.length) apps.set(name, { prefix: `${name}.`, sections: Object.fromEntries(nested) as RawApp });
  }
  if (plain.DEPLOY) {
    const name = unquote(plain.DEPLOY.project_name) || '(unnamed)';
    if (!apps.has(name)) apps.set(name, { prefix: '', sections: plain });
  }
  return apps;
}

/**
 * The app asked for. A plain [DEPLOY] is keyed by its project_name: when that is missing
 * or not a valid name, the plain app is validated whatever name was asked for, so that the
 * problem is reported as the settings problem it is rather than as an unknown app.
 */
export function chooseApp(apps: Map<string, AppSections>, app: string): AppSections | undefined {
  const found = apps.get(app);
  if (found) return found;
  const plain = [...apps.values()].find((a) => a.prefix === '');
  if (plain && !PATTERNS.name.test(unquote(plain.sections.DEPLOY?.project_name))) return plain;
  return undefined;
}

/** A plain [DEPLOY] whose project_name is also a [name.DEPLOY] app: listApps keeps only one of them. */
export function appCollisions(
  parsed: Record<string, unknown>,
  apps: Map<string, AppSections>,
  layout: Layout,
): string[] {
  if (!isSection(parsed.DEPLOY)) return [];
  const name = unquote(parsed.DEPLOY.project_name);
  if (apps.get(name)?.prefix === '' || !apps.has(name)) return [];
  return [
    `${where('DEPLOY', 'project_name', layout.lines.get('DEPLOY\0project_name'))}: app "${name}" is also defined by [${name}.DEPLOY]`,
  ];
}

/** [APP], [ENV]... without a plain [DEPLOY] belong to no app: they were meant for a named one. */
export function orphanSections(layout: Layout, apps: Map<string, AppSections>): string[] {
  if (layout.headers.has('DEPLOY') || !apps.size) return [];
  return FREE_OR_APP.filter((s) => layout.headers.has(s)).map(
    (s) =>
      `[${s}] (line ${layout.headers.get(s)![0]}): belongs to no app (there is no plain [DEPLOY]); did you mean ${[...apps.keys()].map((a) => `[${a}.${s}]`).join(' or ')}?`,
  );
}
const FREE_OR_APP = SECTIONS.filter((s) => s !== 'DEPLOY');
