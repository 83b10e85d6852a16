import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { LegacyDriver } from '../legacy/legacy-driver.js';
import { collectDisks } from '../replay/collect-disks.js';
import type { World } from '../world/world.js';
import { runFleet } from './fleet-run.js';
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
});
