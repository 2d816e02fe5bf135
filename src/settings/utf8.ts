// Settings files are UTF-8, strictly: a lenient decoder would change a value without a word.
import { SettingsError } from '../errors.js';

/**
 * Strict UTF-8. A lenient decoder turns a stray Latin-1 byte into U+FFFD without a word,
 * and a value silently changes; here each line holding bytes that are not UTF-8 is a
 * problem. The rest of the file is still read (leniently) so that its other problems are
 * reported in the same run. The decoder drops a leading BOM, as editors write one.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): { text: string; problems: string[] } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), problems: [] };
  } catch {
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      throw new SettingsError(['the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8'], file);
    }
    const lines = linesNotUtf8(bytes);
    const problems = lines
      .slice(0, 10)
      .map((n) => `line ${n}: not valid UTF-8 (saved as Latin-1 or another encoding? save the file as UTF-8)`);
    if (lines.length > 10) problems.push(`and ${lines.length - 10} more lines that are not valid UTF-8`);
    return { text: new TextDecoder('utf-8').decode(bytes), problems };
  }
}

/** Line numbers (1-based) of the lines that do not decode. A UTF-8 sequence never holds a 0x0A byte, so splitting bytes there is safe. */
function linesNotUtf8(bytes: Uint8Array): number[] {
  const strict = new TextDecoder('utf-8', { fatal: true });
  const bad: number[] = [];
  let start = 0;
  let line = 1;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    try {
      strict.decode(bytes.subarray(start, i));
    } catch {
      bad.push(line);
    }
    start = i + 1;
    line++;
  }
  return bad;
}
