import type { DomainError } from '../errors/domain-error.js';

/** A name, path or size rejected before it could reach a path or an argv. */
export interface InvalidName extends DomainError<'InvalidName', 'INVALID_NAME'> {
  /** What kind of name it was meant to be (`instance`, `volume group`, …). */
  readonly kind: string;
  readonly value: string;
}

/** A size that is not an integer in 1 … 2^53−1 bytes. */
export interface InvalidSize extends DomainError<'InvalidSize', 'INVALID_SIZE'> {
  readonly value: unknown;
}

/** An `INVALID_NAME` error: which kind of name, the value, why, and where. */
export const invalidName = (kind: string, value: string, why: string, path?: string): InvalidName => ({
  _tag: 'InvalidName',
  code: 'INVALID_NAME',
  kind,
  value,
  path: path ?? kind,
  message: `invalid ${kind} ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)}: ${why}`,
});

/** An `INVALID_SIZE` error for a size that is not a whole number of bytes in range. */
export const invalidSize = (value: unknown, path = 'size'): InvalidSize => ({
  _tag: 'InvalidSize',
  code: 'INVALID_SIZE',
  value,
  path,
  message: `invalid size ${String(value)} at ${path}: must be an integer number of bytes from 1 to 2^53-1`,
});
