const MAX_SHOWN = 60;

/** Shorten text for a message; untrusted text may be megabytes long. */
export const truncate = (text: string, max = MAX_SHOWN): string =>
  text.length > max ? `${text.slice(0, max)}…` : text;

/**
 * Render an untrusted JSON value for an error message. It never recurses:
 * a deeply nested value would overflow the stack of JSON.stringify.
 */
export const describeValue = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(truncate(value));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
};

const ROOT_KEY = /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/;
const MEMBER_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * The path of member `key` under `parent` (`''` for the top level): dotted
 * when the key is a plain name, bracketed and quoted when it is not, so a
 * hostile key cannot forge a misleading path.
 */
export const memberPath = (parent: string, key: string): string => {
  if (parent === '') return ROOT_KEY.test(key) ? key : `$[${JSON.stringify(truncate(key))}]`;
  return MEMBER_KEY.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(truncate(key))}]`;
};
