// Strings JSON prints between quotes as they are: no quote, backslash, control or non-ASCII character.
const PLAIN = /^[\u0020\u0021\u0023-\u005b\u005d-\u007e]*$/;

/**
 * `s` as `JSON.stringify` prints it. Texts written by hand on hot paths
 * (records, `disk.info`, emulated tool output) quote plain strings without
 * calling it.
 */
export const jsonString = (s: string): string => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));
