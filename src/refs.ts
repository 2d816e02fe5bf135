// What the command line may name: a git ref (--ref) and a release (rollback TARGET). Both
// reach a remote shell (quoted), but garbage is refused here with exit 2, nothing touched.
import { UsageError } from './errors.js';
import { printable } from './printable.js';

/** git check-ref-format's rules, for a branch, tag or commit given with --ref. */
export function checkRef(ref: string): string {
  const bad =
    !/^[A-Za-z0-9._/+@-]+$/.test(ref) ||
    ref.length > 255 ||
    ref.startsWith('-') ||
    ref.startsWith('/') ||
    ref.endsWith('/') ||
    ref.endsWith('.') ||
    ref.endsWith('.lock') ||
    ref.includes('..') ||
    ref.includes('//') ||
    ref.includes('@{') ||
    ref === '@' ||
    ref.split('/').some((part) => part.startsWith('.'));
  if (bad)
    throw new UsageError(
      `--ref ${printable(ref)} is not a branch, tag or commit name`,
      'Give a branch, a tag or a commit (e.g. --ref main, --ref v1.2.0, --ref 3f2c1a9).',
    );
  return ref;
}

/** A release name or a prefix of one: what `deploy <app> releases` lists. */
export function checkReleaseName(target: string, app = '<app>'): string {
  if (target !== 'current' && !/^[0-9A-Za-z][0-9A-Za-z._-]{0,99}$/.test(target)) {
    throw new UsageError(`${printable(target)} is not a release name`, `See \`deploy ${app} releases\` for the names.`);
  }
  return target;
}
