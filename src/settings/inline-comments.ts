// Warnings for values that ini cut at an inline comment where the cut was likely not meant.
import ini from 'ini';
import { FREE_SECTIONS, KEYS, SECTIONS } from './schema.js';
import { PATTERNS } from './rules.js';
import { show, where } from './messages.js';
import { unquote } from './ini-values.js';
import type { Layout } from './ini-scan.js';

/**
 * Warnings for values an inline comment cut short where that was likely not meant: right after
 * a character of the value (`a;b`), or anywhere in a shell command (`make; make install`, where
 * ";" is the shell's). A comment after a space (`"127.0.0.1:8032"  # ip e porta`) is the syntax
 * working as documented. Secrets are never shown; other values get the line that keeps them.
 */
export function cutWarnings(layout: Layout, prefix: string): string[] {
  const found: { line: number; text: string }[] = [];
  for (const [id, cut] of layout.cuts) {
    const section = id.slice(0, id.indexOf('\0'));
    const key = id.slice(section.length + 1);
    const base = section.slice(prefix.length);
    if (!section.startsWith(prefix) || !(SECTIONS as readonly string[]).includes(base)) continue;
    const def = KEYS.find((d) => d.section === base && (d.key === key || d.aliases?.includes(key)));
    const free = (FREE_SECTIONS as readonly string[]).includes(base);
    // Unknown keys and names that are not variable names are problems already.
    if ((!def && !free) || (base === 'ENV' && !PATTERNS.envKey.test(key))) continue;
    // KeyDef.tabs marks the keys that are shell commands, like the free command sections.
    const command = def ? !!def.tabs : base !== 'ENV';
    if (!cut.attached && !(command && cut.rest.trim())) continue;
    const secret = base === 'ENV' || !!def?.secret;
    const keep = secret ? undefined : quoteWhole(cut.written);
    const how = keep
      ? `${show(key)} = ${keep}`
      : `${show(key)} = '…' (or "…", with any " and \\ in it written \\" and \\\\)`;
    const aside = command ? ' (a comment goes on a line of its own)' : '';
    found.push({
      line: cut.line,
      text: `${where(section, key, cut.line)}: "${cut.char}" starts a comment, so the value ends before it${aside}; to keep the rest, quote the whole value: ${how}`,
    });
  }
  return found.sort((a, b) => a.line - b.line).map((f) => f.text);
}

/** The value in quotes that ini reads back as the whole of it ('…' when it holds no ', else "…" as JSON), if it can be shown. */
function quoteWhole(written: string): string | undefined {
  if (!/^[\x20-\x7e]{1,300}$/.test(written)) return undefined;
  const keeps = (quoted: string) => unquote(ini.unsafe(quoted)) === written;
  return [`'${written}'`, JSON.stringify(written)].find(
    (q) => !(q.startsWith("'") && written.includes("'")) && keeps(q),
  );
}
