// Everything that reaches a remote shell goes through quote(); secrets stay
// wrapped until the executor renders a script for the wire.
import { quote as shellQuote } from 'shell-quote';
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/** A value that must never be printed or logged. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Text that may hold secrets: shown redacted, revealed only for the wire. */
export interface Redactable {
  toString(): string;
  reveal(): string;
}

/** Shell-quote one word. The only quoting function in the project. */
export function quote(value: string | number): string {
  const s = String(value);
  if (s === '') return "''";
  // Words made only of these characters mean themselves to bash: leave them readable.
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return shellQuote([s]);
}

type Part = string | Secret;

/** A piece of shell code: literal text plus quoted values, some of them secret. */
export class Sh implements Redactable {
  constructor(readonly parts: readonly Part[]) {}
  reveal(): string {
    return this.parts.map((p) => (typeof p === 'string' ? p : p.reveal())).join('');
  }
  toString(): string {
    return this.parts.map(String).join('');
  }
  get hasSecret(): boolean {
    return this.parts.some((p) => p instanceof Secret);
  }
}

export type ShValue = string | number | Secret | Sh | readonly (string | number)[];

function partsOf(value: ShValue): Part[] {
  if (value instanceof Sh) return [...value.parts];
  if (value instanceof Secret) return [new Secret(quote(value.reveal()))];
  if (Array.isArray(value)) return [value.map((v) => quote(v)).join(' ')];
  return [quote(value as string | number)];
}

/** Tagged template: every interpolated value is quoted (arrays word by word); Sh values are spliced as code. */
export function sh(strings: TemplateStringsArray, ...values: ShValue[]): Sh {
  const parts: Part[] = [];
  strings.forEach((s, i) => {
    parts.push(s);
    if (i < values.length) parts.push(...partsOf(values[i]));
  });
  return new Sh(parts);
}

/** Literal shell code, for fixed snippets written in this repository. */
export function raw(code: string): Sh {
  return new Sh([code]);
}

/** Text rendered twice: once with secrets shown as [redacted], once for real. */
export class Masked implements Redactable {
  constructor(
    private readonly shown: string,
    private readonly real: string,
  ) {}
  toString(): string {
    return this.shown;
  }
  reveal(): string {
    return this.real;
  }
}
