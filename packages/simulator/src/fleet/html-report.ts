/**
 * The `--report FILE.html` page of a fleet run: one self-contained file (no
 * script, no external stylesheet, font or image) with the key numbers, the
 * census of layouts over time, the upgrade progress over time, and the
 * summary tables.
 */
import type { ExampleList } from './examples.js';
import type { FleetSample, FleetSummary } from './fleet-summary.js';
import { escapeXml, lineChart, stackedAreaChart, type Series } from './svg-chart.js';
import { censusRows, count, errorList, mib, percent } from './summary-text.js';

// ---- series

/** Layouts in a fixed order and colour, so two reports read alike. */
const LAYOUT_COLORS: readonly (readonly [string, string])[] = [
  ['flat/raw', '#4e79a7'],
  ['flat/qcow2', '#a0cbe8'],
  ['qcow2/qcow2', '#f28e2b'],
  ['lvm/raw', '#59a14f'],
  ['rbd/raw', '#b07aa1'],
  ['ploop/ploop', '#edc948'],
  ['ploop/raw', '#9c755f'],
  ['no record', '#e15759'],
];

/** One series per layout present in any sample. */
export const layoutSeries = (samples: readonly FleetSample[]): Series[] =>
  LAYOUT_COLORS.filter(([key]) => samples.some((s) => (s.layouts[key] ?? 0) > 0)).map(([key, color]) => ({
    name: key,
    color,
    values: samples.map((s) => s.layouts[key] ?? 0),
  }));

/**
 * Share of disks with a record, share of them derived from legacy facts,
 * share of initially legacy hosts upgraded. Only samples with disks count:
 * a share of nothing would draw a spike where the fleet is still empty.
 */
export const upgradeSeries = (samples: readonly FleetSample[], legacyHosts: number): Series[] => [
  { name: 'disks with a record', color: '#59a14f', values: samples.map((s) => s.recorded / (s.recorded + s.missing)) },
  { name: 'records derived', color: '#f28e2b', values: samples.map((s) => s.derived / (s.recorded + s.missing)) },
  ...(legacyHosts === 0 ? [] : [{ name: 'legacy hosts upgraded', color: '#4e79a7', values: samples.map((s) => s.upgradedHosts / legacyHosts) }]),
];

// ---- markup

const table = (rows: readonly (readonly string[])[], numericFrom = 1): string => {
  const [head, ...body] = rows;
  const cell = (tag: 'th' | 'td', v: string, i: number) => `<${tag}${i >= numericFrom && tag === 'td' ? ' class="num"' : ''}>${escapeXml(v)}</${tag}>`;
  return [
    '<table>',
    `<thead><tr>${(head ?? []).map((v, i) => cell('th', v, i)).join('')}</tr></thead>`,
    `<tbody>${body.map((r) => `<tr>${r.map((v, i) => cell('td', v, i)).join('')}</tr>`).join('')}</tbody>`,
    '</table>',
  ].join('');
};

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 980px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.sub { color: #666; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: .6rem; margin: 1rem 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .5rem .8rem; min-width: 8.5rem; }
.card b { display: block; font-size: 1.2rem; } .card span { color: #666; font-size: .85rem; }
table { border-collapse: collapse; margin: .6rem 0; } th, td { padding: .25rem .6rem; border-bottom: 1px solid #eee; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } th { background: #f6f6f6; }
.chart { display: block; margin: 1rem 0; } .chart-title { font-weight: 600; font-size: 14px; }
.grid { stroke: #eee; } .axis { stroke: #999; } .tick { font-size: 11px; fill: #555; } .label { font-size: 12px; fill: #333; } .legend { font-size: 12px; }
.bad { color: #b00020; } .good { color: #1b7f3b; }
`;

const card = (value: string, label: string, cls = ''): string => `<div class="card"><b${cls === '' ? '' : ` class="${cls}"`}>${escapeXml(value)}</b><span>${escapeXml(label)}</span></div>`;

/** The report page. */
export const renderHtml = (s: FleetSummary): string => {
  const f = s.fleet;
  const xs = s.samples.map((x) => x.event);
  const withDisks = s.samples.filter((x) => x.recorded + x.missing > 0);
  const title = `disk-ledger fleet: ${count(f.events)} events, seed ${f.seed}, ${f.mode} mode`;
  const outcomes = [
    ['operation', 'ok', 'error', 'errors by code', 'ms'],
    ...Object.entries(s.outcomes).map(([label, o]) => [
      label, count(o.ok), count(Object.values(o.errors).reduce((a, x) => a + x, 0)), errorList(o.errors), count(s.timing.msByLabel[label] ?? 0),
    ]),
    ['total', count(s.totals.ok), count(s.totals.error), '', count(Object.values(s.timing.msByLabel).reduce((a, x) => a + x, 0))],
  ];
  const carriers = [
    ['carried out by', 'steps', 'probes', 'leaks'],
    ...Object.entries(s.byCarrier).map(([k, c]) => [k === 'legacy' ? 'classic driver' : k === 'metadata' ? 'metadata driver' : 'host and guest', count(c.steps), count(c.probes), count(c.leaks)]),
  ];
  // The classic driver's leaks that a later step found: counted as its own in the totals, by no part in the table.
  const inherited = f.mode === 'metadata' ? s.counters.classic.leaks - s.byCarrier.legacy.leaks : 0;
  const exampleRows = (who: string, e: ExampleList): string[][] => [
    ...e.probes.map((p) => [`${who} probe`, `event ${p.step ?? '-'}`, p.host, p.argv.join(' ')]),
    ...e.leaks.map((l) => [`${who} leak`, `event ${l.step ?? '-'}`, l.host, `${l.secret} into ${l.into} via ${l.via}`]),
  ];
  const examples = [...exampleRows(f.mode === 'metadata' ? 'metadata driver' : 'classic driver', s.examples), ...exampleRows('classic driver', s.examples.classic)];
  const kinds = Object.entries(f.hostKinds).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeXml(title)}</h1>`,
    `<p class="sub">${escapeXml(`${count(f.hosts)} ${f.hosts === 1 ? 'host' : 'hosts'} (${kinds})${f.cells > 1 ? ` in ${f.cells} cells` : ''}, up to ${count(f.instances)} instances; ${f.mode === 'legacy' ? "every host runs the classic driver's reference model throughout (the stream's upgrade and online_migrate events, kept so that both modes replay the same stream, change nothing)" : `${f.legacyHosts} ${f.legacyHosts === 1 ? 'host' : 'hosts'} started on the classic driver, ${f.upgradedHosts} upgraded during the run`}.`)}</p>`,
    '<div class="cards">',
    card(count(f.events), 'events'),
    card(count(s.timing.eventsPerSec), 'events/s'),
    card(`${(s.timing.wallMs / 1000).toFixed(1)} s`, 'wall time'),
    card(mib(s.timing.peakRssBytes), 'peak RSS'),
    card(count(s.counters.probes), 'probes', s.counters.probes === 0 ? 'good' : 'bad'),
    card(count(s.counters.leaks), 'leaks', s.counters.leaks === 0 ? 'good' : 'bad'),
    card(count(s.counters.commands), 'commands'),
    card(count(s.counters.dbRoundTrips), 'db round trips'),
    card(percent(s.census.withRecordsShare), 'disks with a record'),
    '</div>',
    '<h2>Census of layouts over time</h2>',
    stackedAreaChart(xs, layoutSeries(s.samples), { title: 'Disks by backend/format (no record: legacy disks not yet migrated)', xLabel: 'events', yLabel: 'disks' }),
    '<h2>Upgrade progress over time</h2>',
    lineChart(withDisks.map((x) => x.event), upgradeSeries(withDisks, f.legacyHosts), { title: 'Share of disks with a record, and of legacy hosts upgraded', xLabel: 'events', yLabel: 'share', yMax: 1, yFormat: (v) => `${Math.round(v * 100)} %` }),
    '<h2>Summary</h2>',
    table([
      ['measure', 'value'],
      ['events', count(f.events)],
      ['events/s', count(s.timing.eventsPerSec)],
      ['wall time', `${(s.timing.wallMs / 1000).toFixed(2)} s`],
      ['peak RSS', mib(s.timing.peakRssBytes)],
      ['probes', count(s.counters.probes)],
      ['leaks', count(s.counters.leaks)],
      ...(f.mode === 'metadata' ? [['classic driver probes', count(s.counters.classic.probes)], ['classic driver leaks', count(s.counters.classic.leaks)]] : []),
      ['commands', count(s.counters.commands)],
      ['db round trips', count(s.counters.dbRoundTrips)],
      ['live instances', count(s.instances.live)],
      ['disks with a record', `${count(s.census.recorded)} (${percent(s.census.withRecordsShare)})`],
      ['legacy disks not yet migrated', count(s.census.missing)],
    ]),
    table(carriers),
    ...(inherited > 0 ? [`<p>${escapeXml(`A further ${count(inherited)} leaks the classic driver made were found by later steps of the other parts; the classic driver's leaks above count them, this table does not.`)}</p>`] : []),
    '<h2>Outcomes per operation</h2>',
    table(outcomes),
    '<h2>Census</h2>',
    table(censusRows(s)),
    ...(examples.length === 0 ? [] : ['<h2>First probes and leaks</h2>', table([['what', 'when', 'host', 'detail'], ...examples], 9)]),
    '</body>',
    '</html>',
    '',
  ].join('\n');
};
