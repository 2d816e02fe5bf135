// What ini.parse gives back, read the same way everywhere: an app's sections are nested
// objects, and a value keeps its quotes when an inline comment follows it.

/** ini keeps quotes when an inline comment follows: `"127.0.0.1:8032"  # ip e porta`. */
export function unquote(value: unknown): string {
  const s = String(value ?? '').trim();
  const m = /^(["'])(.*)\1$/s.exec(s);
  return m ? m[2] : s;
}

export const isSection = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
