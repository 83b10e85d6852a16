/**
 * The human-readable summary of a fleet run: the fleet, speed and memory,
 * outcomes per operation, counters, and the census of layouts.
 */
import { PROVENANCES } from '@disk-ledger/domain';
import type { FleetSummary } from './fleet-summary.js';

// ---- formatting

/** An integer with thousands separators. */
export const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** `n` things, with the noun's plural unless there is one. */
const counted = (n: number, noun: string): string => `${count(n)} ${noun}${Math.round(n) === 1 ? '' : 's'}`;

/** Bytes in MiB, one decimal. */
export const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

/** A share as a percentage, one decimal. */
export const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padLeft = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** Rows of cells as aligned columns: numbers right-aligned, text (the first column, and `textFrom` on) left-aligned. */
const columns = (rows: readonly (readonly string[])[], textFrom = Number.POSITIVE_INFINITY): string[] => {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const align = (cell: string, i: number): string => (i === 0 || i >= textFrom ? pad(cell, widths[i] ?? 0) : padLeft(cell, widths[i] ?? 0));
  return rows.map((row) => `  ${row.map(align).join('  ')}`.trimEnd());
};

/** Errors of one label: `CODE n, CODE n`. */
export const errorList = (errors: Readonly<Record<string, number>>): string =>
  Object.entries(errors).map(([code, n]) => `${code} ${count(n)}`).join(', ');

/** The census as table rows: one per `backend/format`, one column per provenance and `no record`. */
export const censusRows = (s: FleetSummary): string[][] => {
  const provenances = [...PROVENANCES, null] as const;
  const layouts = [...new Set(s.census.entries.map((e) => `${e.backend}/${e.format}`))];
  const cell = (layout: string, p: (typeof provenances)[number]): number =>
    s.census.entries.filter((e) => `${e.backend}/${e.format}` === layout && e.provenance === p).reduce((a, e) => a + e.disks, 0);
  const rows = layouts.map((l) => [l, ...provenances.map((p) => count(cell(l, p))), count(provenances.reduce((a, p) => a + cell(l, p), 0))]);
  const totals = provenances.map((p) => s.census.entries.filter((e) => e.provenance === p).reduce((a, e) => a + e.disks, 0));
  return [['layout', ...PROVENANCES, 'no record', 'total'], ...rows, ['total', ...totals.map(count), count(s.census.recorded + s.census.missing)]];
};

// ---- the summary

/** The summary as lines of text. */
export const renderSummary = (s: FleetSummary): string => {
  const f = s.fleet;
  const kinds = Object.entries(f.hostKinds).map(([k, n]) => `${k} ${n}`).join(', ');
  const lines = [
    `fleet: ${counted(f.hosts, 'host')}${f.cells > 1 ? ` in ${f.cells} cells` : ''}, up to ${counted(f.instances, 'instance')}, ${counted(f.events, 'event')}, seed ${f.seed}, ${f.mode} mode`,
    f.mode === 'legacy'
      ? `  hosts: ${kinds}; every host runs the classic driver's reference model throughout (the stream's upgrade and online_migrate events, kept so that both modes replay the same stream, change nothing)`
      : `  hosts: ${kinds}; ${f.legacyHosts} started on the classic driver, ${f.upgradedHosts} upgraded during the run`,
    `  ${counted(f.events, 'event')} in ${(s.timing.loopMs / 1000).toFixed(1)} s (wall ${(s.timing.wallMs / 1000).toFixed(1)} s): ${count(s.timing.eventsPerSec)} events/s; peak RSS ${mib(s.timing.peakRssBytes)}`,
    '',
    ...columns([
      ['operation', 'ok', 'error', 'errors by code'],
      ...Object.entries(s.outcomes).map(([label, o]) => {
        const errors = Object.values(o.errors).reduce((a, n) => a + n, 0);
        return [label, count(o.ok), count(errors), errorList(o.errors)];
      }),
      ['total', count(s.totals.ok), count(s.totals.error), ''],
    ], 3),
    '',
    `  probes ${count(s.counters.probes)}, leaks ${count(s.counters.leaks)}` +
      (f.mode === 'metadata' ? ` (classic driver on hosts not yet upgraded and legacy boots: probes ${count(s.counters.classic.probes)}, leaks ${count(s.counters.classic.leaks)})` : ''),
    ...s.examples.probes.slice(0, 3).map((p) => `  ! probe at event ${p.step ?? '-'} on ${p.host}: ${p.argv.join(' ')}`),
    ...s.examples.leaks.slice(0, 3).map((l) => `  ! leak at event ${l.step ?? '-'}: ${l.secret} of ${l.host} into ${l.into} via ${l.via}`),
    `  commands ${count(s.counters.commands)}, db round trips ${count(s.counters.dbRoundTrips)}; instances live ${count(s.instances.live)} of ${count(s.instances.bootsAttempted)} boots`,
    '',
    ...columns(censusRows(s)),
    '',
    `  disks with a record: ${count(s.census.recorded)} of ${count(s.census.recorded + s.census.missing)} (${percent(s.census.withRecordsShare)}); ` +
      `${count(s.census.missing)} legacy disks not yet migrated`,
  ];
  return lines.join('\n');
};
