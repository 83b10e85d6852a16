import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { LegacyDriver } from '../legacy/legacy-driver.js';
import { renderSummary } from './summary-text.js';
import { collectDisks } from '../replay/collect-disks.js';
import type { World } from '../world/world.js';
import { runCell } from './cell-run.js';
import { planCells } from './cells.js';
import { runFleet, sequentialCells } from './fleet-run.js';
import * as E from 'fp-ts/lib/Either.js';
import type { FleetOptions } from './fleet-plan.js';
import type { FleetSummary } from './fleet-summary.js';

const legacyDriver = (w: World) => new LegacyDriver(w);
const TINY: FleetOptions = { hosts: 7, instances: 30, events: 500, seed: 9, mode: 'metadata' };

/** Everything but the measurements of this machine. */
const deterministic = (s: FleetSummary): Omit<FleetSummary, 'timing'> => {
  const { timing: _timing, ...rest } = s;
  return rest;
};

const sum = (xs: readonly number[]): number => xs.reduce((a, x) => a + x, 0);

describe('runFleet', () => {
  describe('when run twice with the same seed', () => {
    it('gives identical summaries', async () => {
      const a = await runFleet(TINY, { legacyDriver });
      const b = await runFleet(TINY, { legacyDriver });
      expect(deterministic(b)).toEqual(deterministic(a));
    });

    it('gives identical summaries in legacy mode too', async () => {
      const o = { ...TINY, mode: 'legacy' as const };
      expect(deterministic(await runFleet(o, { legacyDriver }))).toEqual(deterministic(await runFleet(o, { legacyDriver })));
    });
  });

  it('in legacy mode, counts every host as the classic driver and none as upgraded, and says so', async () => {
    const s = await runFleet({ ...TINY, mode: 'legacy' as const }, { legacyDriver });
    expect(s.fleet.legacyHosts).toBe(TINY.hosts);
    expect(s.fleet.upgradedHosts).toBe(0);
    expect(s.samples.every((x) => x.upgradedHosts === 0)).toBe(true);
    expect(renderSummary(s)).toContain("every host runs the classic driver's reference model throughout");
  });

  it('gives a different run for another seed', async () => {
    const a = await runFleet(TINY, { legacyDriver });
    const b = await runFleet({ ...TINY, seed: 10 }, { legacyDriver });
    expect(deterministic(b)).not.toEqual(deterministic(a));
  });

  describe('when the classic driver copied secrets into disks before the metadata driver took them over', () => {
    it('counts a secret that merely travels on with its disk as the classic driver\'s: the metadata driver neither probes nor leaks', async () => {
      const s = await runFleet({ hosts: 10, instances: 500, events: 5000, seed: 1, mode: 'metadata' }, { legacyDriver });
      expect(s.counters.classic.leaks).toBeGreaterThan(s.byCarrier.legacy.leaks);
      expect(s.counters).toMatchObject({ probes: 0, leaks: 0 });
      expect([s.examples.probes, s.examples.leaks]).toEqual([[], []]);
    }, 60_000);
  });

  describe('its summary of a tiny fleet', () => {
    it('counts every event once, by label and by carrier', async () => {
      const s = await runFleet(TINY, { legacyDriver });
      const perLabel = Object.values(s.outcomes).map((o) => o.ok + sum(Object.values(o.errors)));
      expect(sum(perLabel)).toBe(TINY.events);
      expect(s.totals.ok + s.totals.error).toBe(TINY.events);
      expect(sum(Object.values(s.byCarrier).map((c) => c.steps))).toBe(TINY.events);
      expect(s.counters.probes + s.counters.classic.probes).toBe(sum(Object.values(s.byCarrier).map((c) => c.probes)));
      expect(s.counters.commands).toBeGreaterThan(0);
      expect(s.counters.dbRoundTrips).toBeGreaterThan(0);
      expect(s.fleet.upgradedHosts).toBe(s.fleet.legacyHosts);
    });

    it('has a census equal to the disks the replay reports at the end', async () => {
      let disks: Awaited<ReturnType<typeof collectDisks>> = [];
      const s = await runFleet(TINY, { legacyDriver, inspect: async (w) => void (disks = await collectDisks(w)) });
      const key = (backend: string, format: string, provenance: string | null) => `${backend}/${format}/${provenance ?? 'none'}`;
      const expected = new Map<string, number>();
      for (const d of disks) expected.set(key(d.backend, d.format, d.provenance), (expected.get(key(d.backend, d.format, d.provenance)) ?? 0) + 1);
      const actual = new Map(s.census.entries.map((e) => [key(e.backend, e.format, e.provenance), e.disks]));
      expect(actual).toEqual(expected);
      expect(s.census.recorded + s.census.missing).toBe(disks.length);
      expect(s.census.missing).toBe(disks.filter((d) => d.provenance === null).length);
      expect(s.census.withRecordsShare).toBeCloseTo(s.census.recorded / disks.length);
    });

    it('samples the fleet about every 1 % of the events, the last sample being the final census', async () => {
      const s = await runFleet(TINY, { legacyDriver });
      expect(s.samples.map((x) => x.event)).toEqual(Array.from({ length: 101 }, (_, i) => i * 5));
      const last = s.samples[s.samples.length - 1];
      expect(last?.recorded).toBe(s.census.recorded);
      expect(last?.missing).toBe(s.census.missing);
      expect(sum(Object.values(last?.layouts ?? {}))).toBe(s.census.recorded + s.census.missing);
      expect(s.timing.sampleMs).toHaveLength(s.samples.length);
    });

    it('counts every disk as having no record in legacy mode, where nothing writes records', async () => {
      const s = await runFleet({ ...TINY, mode: 'legacy' }, { legacyDriver });
      expect(s.census.recorded).toBe(0);
      expect(s.census.missing).toBeGreaterThan(0);
      expect(s.byCarrier.metadata.steps).toBe(0);
      expect(s.counters.classic).toEqual({ probes: 0, leaks: 0 });
    });

    it('reports progress up to the last event', async () => {
      const seen: number[] = [];
      await runFleet({ ...TINY, events: 50 }, { legacyDriver, onProgress: (done) => seen.push(done) });
      expect(seen[seen.length - 1]).toBe(50);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    });
  });

  describe('split into cells', () => {
    const CELLS: FleetOptions = { hosts: 7, instances: 40, events: 600, seed: 9, mode: 'metadata', cells: 3 };

    it('counts every event once and keeps a census equal to the disks of all the cells\' worlds', async () => {
      const disks: Awaited<ReturnType<typeof collectDisks>>[] = [];
      const s = await runFleet(CELLS, { legacyDriver, inspect: async (w) => void disks.push(await collectDisks(w)) });
      expect(disks).toHaveLength(3);
      expect(s.fleet).toMatchObject({ cells: 3, hosts: 7, instances: 40, events: 600, seed: 9 });
      expect(s.totals.ok + s.totals.error).toBe(600);
      expect(sum(Object.values(s.byCarrier).map((c) => c.steps))).toBe(600);
      const all = disks.flat();
      expect(s.census.recorded + s.census.missing).toBe(all.length);
      expect(s.census.missing).toBe(all.filter((d) => d.provenance === null).length);
      expect(sum(Object.values(s.fleet.hostKinds).map((n) => n ?? 0))).toBe(7);
    });

    it('adds up what each cell reports when run alone', async () => {
      const cells = planCells(CELLS);
      if (E.isLeft(cells)) throw new Error(cells.left);
      const alone = await Promise.all(cells.right.map((c) => runCell(c, { legacyDriver })));
      const s = await runFleet(CELLS, { legacyDriver });
      expect(s.counters.commands).toBe(sum(alone.map((a) => a.counters.commands)));
      expect(s.instances.live).toBe(sum(alone.map((a) => a.instances.live)));
      expect(s.samples).toHaveLength(101);
      expect(s.samples.map((x) => x.event)).toEqual(alone[0]?.samples.map((_, k) => sum(alone.map((a) => a.samples[k]?.event ?? 0))));
      expect(s.samples[100]).toMatchObject({ event: 600, recorded: s.census.recorded, missing: s.census.missing });
      expect(s.outcomes['boot']?.ok).toBe(sum(alone.map((a) => a.outcomes['boot']?.ok ?? 0)));
    });

    it('gives the same summary whichever runner runs the cells, and progress that only grows to the total', async () => {
      const seen: number[] = [];
      const a = await runFleet(CELLS, { legacyDriver, onProgress: (done) => seen.push(done) });
      const reversed = await runFleet(CELLS, {
        legacyDriver,
        cells: async (cells, onProgress) => [...(await sequentialCells({ legacyDriver })([...cells].reverse(), onProgress))].reverse(),
      });
      expect(deterministic(reversed)).toEqual(deterministic(a));
      expect(seen[seen.length - 1]).toBe(600);
      expect(seen).toEqual([...new Set(seen)].sort((x, y) => x - y));
    });

    it('names hosts by cell', async () => {
      const s = await runFleet({ ...CELLS, mode: 'legacy', events: 1500 }, { legacyDriver });
      const hosts = [...s.examples.classic.probes, ...s.examples.probes].map((p) => p.host);
      expect(hosts.length).toBeGreaterThan(0);
      expect(hosts.every((h) => /^c[123]-/.test(h))).toBe(true);
    });
  });
});
