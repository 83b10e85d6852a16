/**
 * Nova stores naive UTC timestamps (`DATETIME` / `timestamp without time
 * zone`, SQLite text) as `YYYY-MM-DD HH:MM:SS`. Timestamps are formatted here
 * and sent as text, so no driver converts them through a local time zone.
 */

/** `date` in nova's format, UTC, to the second. */
export const novaTimestamp = (date: Date): string => date.toISOString().slice(0, 19).replace('T', ' ');

/** Nova's format, for checks. */
export const NOVA_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
