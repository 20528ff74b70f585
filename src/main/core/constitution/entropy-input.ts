/**
 * A system entropy typed by a human (CLI flag, Discord argument): a fraction "0.042" or a
 * percentage "4.2%". Anything else, or a value outside 0..1 (0 %..100 %), is an invalid_input error:
 * R.O.M.A.N. never assumes an entropy.
 */
import { DomainError } from '../../../shared/result';

const FRACTION = /^\d+(?:\.\d+)?$|^\.\d+$/;
const PERCENT = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/;

export function parseEntropyText(raw: string): number {
  const text = raw.trim();
  const fail = (why: string) =>
    new DomainError('invalid_input', `Invalid system entropy "${raw}": ${why}. Give a fraction between 0 and 1 (e.g. 0.042) or a percentage (e.g. 4.2%).`, [
      { path: 'system_entropy', message: why },
    ]);
  const pct = PERCENT.exec(text);
  if (pct) {
    const value = Number(pct[1]) / 100;
    if (!Number.isFinite(value) || value > 1) throw fail('a percentage must be between 0% and 100%');
    return value;
  }
  if (!FRACTION.test(text)) throw fail('not a number');
  const value = Number(text);
  if (!Number.isFinite(value)) throw fail('not a finite number');
  if (value > 1) throw fail(`must be between 0 and 1 (did you mean ${text}%?)`);
  return value;
}
