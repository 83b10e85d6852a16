/** Where a command prints. */
export interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

/**
 * Say why a command fails (exit 2) on stderr; with `--json`, stdout carries
 * the same as an object, as `replay --json` prints it, so a script reading
 * stdout is not left with nothing.
 */
export const refuse = (io: Io, command: string, json: boolean, error: { readonly code: string; readonly message: string }): number => {
  io.err(`disk-ledger ${command}: ${error.message}`);
  if (json) io.out(JSON.stringify({ error: { code: error.code, message: error.message } }, null, 2));
  return 2;
};
