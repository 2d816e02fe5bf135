// An untrusted value (settings, command-line arguments) shown in a message: quoted, cut to a
// readable length, and with every character outside printable ASCII escaped, so that it can
// neither forge a line of the message nor send escape sequences to the terminal.
export function printable(value: string, max = 80): string {
  const cut = value.length > max ? value.slice(0, max) : value;
  const quoted = JSON.stringify(cut).replace(
    /[^\x20-\x7e]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return value.length > max ? `${quoted}… (${value.length} characters)` : quoted;
}

/** C0 and C1 control characters but tab and newline, DEL, and the bidirectional overrides. */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text a server sent (release metadata, log lines, a command's output or error), made safe to
 * print: every control character but tab and newline is shown as an escape (\x1b, \u202e), so no
 * file on a server can clear the operator's screen, move the cursor, set the window title or
 * reorder what is shown. --json needs none of this: JSON escapes them itself.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** 1.2 MB: sizes as the operator reads them. */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
