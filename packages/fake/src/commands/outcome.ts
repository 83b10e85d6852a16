/**
 * What an emulated program answers: success with its output, a failure with
 * the real tool's exit code and stderr, or "not emulated" for an argv outside
 * docs/commands.md (which the executor turns into `CommandUnsupported`).
 */

/** A program's answer. */
export type Outcome =
  | { readonly status: 'ok'; readonly stdout: string; readonly stderr: string }
  | { readonly status: 'failed'; readonly exitCode: number; readonly stderr: string }
  | { readonly status: 'unsupported'; readonly reason: string };

const line = (s: string): string => (s === '' || s.endsWith('\n') ? s : `${s}\n`);

/** Exit 0 with this output. */
export const succeed = (stdout = '', stderr = ''): Outcome => ({ status: 'ok', stdout: line(stdout), stderr: line(stderr) });

/** A non-zero exit with this stderr. */
export const exitWith = (exitCode: number, stderr: string): Outcome => ({ status: 'failed', exitCode, stderr: line(stderr) });

/** Not an argv the emulator knows. */
export const notEmulated = (reason: string): Outcome => ({ status: 'unsupported', reason });

const STATUSES: readonly unknown[] = ['ok', 'failed', 'unsupported'];

/** Whether a value is an outcome (a parse step that already decided the answer). */
export const isOutcome = (u: unknown): u is Outcome => typeof u === 'object' && u !== null && 'status' in u && STATUSES.includes(u.status);
