// An untrusted value (settings, command-line arguments) shown in a message: quoted, cut to a
// readable length, and with every character outside printable ASCII escaped, so that it can
// neither forge a line of the message nor send escape sequences to the terminal.
export function printable(value: string, max = 80): string {
  const cut = value.length > max ? value.slice(0, max) : value;
  const quoted = JSON.stringify(cut).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return value.length > max ? `${quoted}… (${value.length} characters)` : quoted;
}
