import 'reflect-metadata';
import { beforeAll, describe, expect, it } from 'vitest';
import { LegacyDriver } from '../legacy/legacy-driver.js';
import { runFleet } from './fleet-run.js';
import type { FleetSummary } from './fleet-summary.js';
import { layoutSeries, renderHtml } from './html-report.js';
import { count, mib, percent } from './summary-text.js';

const VOID = new Set(['meta', 'line', 'rect']);

/** Tags that are opened and never closed, or closed without being open, in document order. */
const unbalanced = (html: string): string[] => {
  const stack: string[] = [];
  const problems: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(\/?)>/g)) {
    const [, closing, tag = '', selfClosing] = m;
    if (selfClosing === '/' || VOID.has(tag)) continue;
    if (closing === '') stack.push(tag);
    else if (stack[stack.length - 1] === tag) stack.pop();
    else problems.push(`</${tag}> while ${stack[stack.length - 1] ?? 'nothing'} is open`);
  }
  return [...problems, ...stack.map((t) => `<${t}> never closed`)];
};

let summary: FleetSummary;
let html: string;
beforeAll(async () => {
  summary = await runFleet({ hosts: 6, instances: 25, events: 300, seed: 21, mode: 'metadata' }, { legacyDriver: (w) => new LegacyDriver(w) });
  html = renderHtml(summary);
});

describe('renderHtml', () => {
  it('is one well-formed HTML document', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(unbalanced(html)).toEqual([]);
  });

  it('is self-contained: no script, no external stylesheet, font, image or link', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|https?:/i);
    expect(html).toMatch(/<style>[\s\S]+<\/style>/);
  });

  it('draws the census over time and the upgrade progress over time as inline SVG', () => {
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html.match(/<polygon /g)).toHaveLength(layoutSeries(summary.samples).length);
    expect(html).toContain('Census of layouts over time');
    expect(html).toContain('Upgrade progress over time');
    expect(html).toContain('legacy hosts upgraded');
  });

  it('shows the numbers of the summary', () => {
    for (const text of [
      count(summary.fleet.events), count(summary.timing.eventsPerSec), mib(summary.timing.peakRssBytes),
      count(summary.counters.commands), count(summary.counters.dbRoundTrips), percent(summary.census.withRecordsShare),
      `<td class="num">${count(summary.census.missing)}</td>`,
    ]) expect(html).toContain(text);
    for (const [label, o] of Object.entries(summary.outcomes)) expect(html).toContain(`<td>${label}</td><td class="num">${count(o.ok)}</td>`);
    for (const e of summary.census.entries) expect(html).toContain(`<td>${e.backend}/${e.format}</td>`);
  });

  it('says how many of the classic driver\'s leaks no part of the table counts, and only when there are some', () => {
    const found = (s: FleetSummary, classicLeaks: number): FleetSummary => ({ ...s, counters: { ...s.counters, classic: { ...s.counters.classic, leaks: classicLeaks } } });
    const made = summary.byCarrier.legacy.leaks;
    expect(renderHtml(found(summary, made + 10))).toContain('A further 10 leaks the classic driver made were found by later steps');
    expect(renderHtml(found(summary, made))).not.toContain('A further');
  });

  it('escapes what it shows', () => {
    const evil: FleetSummary = { ...summary, outcomes: { '<b>boot</b>': { ok: 1, errors: { 'A&B': 2 } } } };
    const page = renderHtml(evil);
    expect(page).toContain('&lt;b&gt;boot&lt;/b&gt;');
    expect(page).toContain('A&amp;B 2');
    expect(page).not.toContain('<b>boot</b>');
  });
});
