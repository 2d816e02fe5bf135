// env_file: [ENV] values from a local dotenv file, treated as secrets.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { MAX_VALUE, PATTERNS, textProblem } from './rules.js';
import type { Checker } from './checker.js';
import { printable } from '../printable.js';

/**
 * env_file: a local dotenv file, read here like settings.ini (relative to it). Its values are
 * secrets: a problem names the file and line (and the variable when its name is one), never a
 * value, nor a line that is not a variable (it may be half of a pasted secret). Each line is read
 * on its own with dotenv's syntax: a value is one line, as everywhere in the settings, and a line
 * dotenv would skip without a word is a problem.
 */
export function envFile(c: Checker, settingsFile: string): Record<string, string> {
  const given = c.value('env_file');
  if (!given) return {};
  const path = resolve(dirname(settingsFile), given.replace(/^~(?=\/)/, homedir()));
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    c.report('env_file', `cannot read ${printable(path)}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    return {};
  }
  const vars: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || /^\s*#/.test(line)) return;
    const at = `${printable(path)} line ${i + 1}`;
    const found = Object.entries(parseDotenv(line));
    if (found.length !== 1)
      return c.report('env_file', `${at}: not KEY=value (the line is not shown: it may hold a secret)`);
    const [[name, value]] = found;
    if (!PATTERNS.envKey.test(name))
      return c.report('env_file', `${at}: not a variable name (letters, digits and _, not starting with a digit)`);
    // What follows "=" as written: dotenv keeps an opening quote it finds no end for on the line.
    const written = /^\s*(?:export\s+)?[\w.-]+\s*(?:=|:)\s*(.*)$/.exec(line)?.[1] ?? '';
    const quote = /^["'`]/.exec(written)?.[0];
    if (quote && value.startsWith(quote))
      return c.report(
        'env_file',
        `${at}: ${name}'s value opens a quote that does not close on its line (a value is one line)`,
      );
    const problem = textProblem(value, MAX_VALUE, false);
    if (problem) return c.report('env_file', `${at}: ${name}'s value ${problem}`);
    const hash = written.indexOf('#');
    if (!quote && hash > 0 && !/\s/.test(written[hash - 1])) {
      c.warn(
        'env_file',
        `${at}: "#" starts a comment, so ${name}'s value ends before it; to keep the rest, quote the value (${name}='…')`,
      );
    }
    vars[name] = value;
  });
  return vars;
}
