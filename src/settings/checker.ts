// The Checker holds the chosen app's values and every problem found, so that one run reports
// them all. It reads each key through the key table (schema.ts), its rule and its default, so
// that a value is checked the same way wherever it is read.
import { KEYED_SECTIONS, KEYS, keyDef, type SectionName } from './schema.js';
import { BOOL, MAX_VALUE, list, textProblem, type Rule } from './rules.js';
import { suggest, where } from './messages.js';
import { isSection, unquote } from './ini-values.js';
import type { Layout } from './ini-scan.js';
import type { RawApp } from './apps.js';
import { printable } from '../printable.js';

/** The chosen app's values, and the problems found so far. */
export class Checker {
  private readonly values = new Map<string, { value: string; section: SectionName; raw: string }>();
  /** Keys already reported (too long, control characters...): not checked, nor reported, again. */
  private readonly reported = new Set<string>();
  /** What loads but was likely not meant (Settings.warnings). */
  readonly warnings: string[] = [];

  constructor(
    readonly sections: RawApp,
    readonly prefix: string,
    private readonly layout: Layout,
    readonly problems: string[],
  ) {}

  /** The app's keys of a section, but those scanLayout already reported as misread. */
  entries(section: string): [string, unknown][] {
    return Object.entries(this.sections[section] ?? {}).filter(
      ([k]) => !this.layout.misread.has(`${this.prefix}${section}\0${k}`),
    );
  }

  /** `[DEPLOY] home (line 4)`; an invalid [ENV] name is not shown (it may be half a pasted secret). */
  where(section: string, key: string): string {
    return where(`${this.prefix}${section}`, key, this.layout.lines.get(`${this.prefix}${section}\0${key}`));
  }

  /** Where a schema key (named by its id) was set (under the alias it was written as). */
  at(key: string): string {
    const def = keyDef(key);
    return this.where(def.section, this.values.get(key)?.raw ?? def.key);
  }

  report(key: string, message: string): void {
    this.problems.push(`${this.at(key)}: ${message}`);
    this.reported.add(key);
  }

  /** Said, not refused: the run goes on. */
  warn(key: string, message: string): void {
    this.warnings.push(`${this.at(key)}: ${message}`);
  }

  /** The value, unless unset, empty or already reported. */
  get(key: string): string | undefined {
    const v = this.values.get(key)?.value;
    return v === undefined || v === '' || this.reported.has(key) ? undefined : v;
  }

  isSet(key: string): boolean {
    return !!this.values.get(key)?.value;
  }

  ok(key: string): boolean {
    return !this.reported.has(key);
  }

  /** The value (else the fallback, which is ours and not checked), reported when the rule finds a problem. */
  check(key: string, rule: Rule | undefined, fallback?: string): string {
    const v = this.get(key);
    if (v === undefined) return this.isSet(key) ? '' : (fallback ?? '');
    const problem = rule?.(v);
    if (problem) this.report(key, problem);
    return v;
  }

  /** The value checked by the key table's rule; unset, the table's default, or `computed` when derive.ts computes it from other keys. */
  value(key: string, computed?: string): string {
    const def = keyDef(key);
    return this.check(key, def.rule, computed ?? def.default);
  }

  /** A list key's items, each checked by the table's rule; unset, the fallback's (ours, not checked). */
  items(key: string, fallback?: string): string[] {
    const def = keyDef(key);
    if (this.get(key) === undefined) return list(fallback ?? def.default, def.list);
    const items = list(this.get(key), def.list);
    this.checkEach(key, items);
    return items;
  }

  /** Reports each item the table's rule refuses (each one: the user fixes them all in one go). */
  checkEach(key: string, items: string[]): void {
    const rule = keyDef(key).rule;
    for (const item of items) {
      const problem = rule?.(item);
      if (problem) this.report(key, problem);
    }
  }

  /** A yes/no key; unset or refused, the table's default. */
  bool(key: string): boolean {
    const def = keyDef(key);
    const fallback = BOOL[(def.default ?? '').toLowerCase()] ?? false;
    const v = this.get(key);
    if (v === undefined) return fallback;
    const b = BOOL[v.toLowerCase()];
    if (b === undefined) this.report(key, `${printable(v)} is not yes/no`);
    return b ?? fallback;
  }

  /** A whole number key, from the table's min to max; unset, the table's default. */
  int(key: string): number {
    const { min = 0, max = 0, default: fallback } = keyDef(key);
    const v = this.get(key);
    if (v === undefined) return Number(fallback);
    const n = Number(v);
    if (!/^\d{1,9}$/.test(v) || n < min || n > max)
      this.report(key, `${printable(v)} is not a whole number from ${min} to ${max}`);
    return n;
  }

  /**
   * Collects the schema sections' values by canonical key, reporting unknown keys (with a
   * suggestion), values too long and control characters (before any pattern, so that the
   * message says what is wrong without showing the value).
   */
  collect(): void {
    for (const section of KEYED_SECTIONS) {
      const defs = KEYS.filter((k) => k.section === section);
      for (const [key, value] of this.entries(section)) {
        if (isSection(value)) continue;
        const def = defs.find((d) => d.key === key || d.aliases?.includes(key));
        if (!def) {
          const elsewhere = KEYS.find((d) => d.key === key || d.aliases?.includes(key));
          const hint = elsewhere
            ? ` (it belongs in [${this.prefix}${elsewhere.section}])`
            : suggest(
                key,
                defs.flatMap((d) => [d.key, ...(d.aliases ?? [])]),
              );
          this.problems.push(`${this.where(section, key)}: unknown key${hint}`);
          continue;
        }
        // Set twice (also through an alias) is reported by scanLayout, with both lines.
        const id = def.id ?? def.key;
        this.values.set(id, { value: unquote(value), section, raw: key });
        const problem = textProblem(unquote(value), def.maxLength ?? MAX_VALUE, !!def.tabs);
        if (problem) this.report(id, problem);
      }
    }
  }

  /** [ENV] and [COMMANDS]: free names and values, each checked; the values are never shown. */
  free(
    section: 'ENV' | 'COMMANDS' | 'RUN_ONCE' | 'PROCESSES',
    name: RegExp,
    nameWhat: string,
    valueRule: Rule,
  ): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.entries(section)) {
      const value = unquote(v);
      const problem = !name.test(k) ? nameWhat : valueRule(value);
      if (problem) this.problems.push(`${this.where(section, k)}: ${problem}`);
      else out[k] = value;
    }
    return out;
  }
}
