/**
 * The shape every expected failure of disk-ledger shares: a `_tag` to switch
 * on, a stable machine-readable `code`, a human message, the field path or
 * place it concerns, and the underlying cause when there is one.
 */
export interface DomainError<Tag extends string, Code extends string> {
  readonly _tag: Tag;
  readonly code: Code;
  readonly message: string;
  /** Where the problem is: a field path (`data.size`), a name's role (`instance`), an argv. */
  readonly path?: string;
  readonly cause?: unknown;
}
