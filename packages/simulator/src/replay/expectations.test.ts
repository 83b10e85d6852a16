import { describe, expect, it } from 'vitest';
import type { DiskReport } from '../report/run-report.js';
import { checkExpectations } from './expectations.js';

const counters = { probes: 0, leaks: 0, commands: 0, dbRoundTrips: 0, classic: { probes: 0, leaks: 0 } };
const disk = (over: Partial<DiskReport>): DiskReport => ({
  instance: 'vm1', disk: 'swap', host: 'c1', backend: 'flat', format: 'raw', size: 1, location: '/x', provenance: 'created', present: true, ...over,
});
const absent = (disks: readonly DiskReport[]) =>
  checkExpectations({ disks: [{ instance: 'vm1', disk: 'swap', absent: true }] }, { mode: 'metadata', steps: [], counters, disks });

describe('absent: true', () => {
  it('holds when the disk has neither record nor disk, a classic disk its host no longer holds included', () => {
    expect(absent([])).toEqual([{ what: 'disk vm1/swap absent', expected: 'absent', actual: 'absent', ok: true }]);
    expect(absent([disk({ provenance: null, present: false })])[0]).toMatchObject({ actual: 'absent', ok: true });
  });

  it('fails, saying what is left, for a record, a disk, or both', () => {
    expect(absent([disk({ present: false })])[0]).toMatchObject({ actual: 'record', ok: false });
    expect(absent([disk({ provenance: null })])[0]).toMatchObject({ actual: 'disk', ok: false });
    expect(absent([disk({})])[0]).toMatchObject({ actual: 'record and disk', ok: false });
  });
});

describe('a listed disk', () => {
  const listed = (mode: 'metadata' | 'legacy', disks: readonly DiskReport[]) =>
    checkExpectations({ disks: [{ instance: 'vm1', disk: 'swap', backend: 'flat', format: 'raw' }] }, { mode, steps: [], counters, disks });

  it('must have a record in metadata mode: a classic driver disk nothing adopted fails, whatever its facts', () => {
    const classic = listed('metadata', [disk({ provenance: null })]);
    expect(classic.find((e) => e.what === 'disk vm1/swap recorded')).toMatchObject({ expected: 'record', ok: false });
    expect(classic.filter((e) => e.what !== 'disk vm1/swap recorded').every((e) => e.ok)).toBe(true);
    expect(listed('metadata', [disk({ provenance: 'derived' })]).every((e) => e.ok)).toBe(true);
  });

  it('is the classic driver\'s account in legacy mode, where nothing has a record', () => {
    expect(listed('legacy', [disk({ provenance: null })]).every((e) => e.ok)).toBe(true);
  });
});

describe('a listed disk\'s location', () => {
  const at = (location: string, d: DiskReport) =>
    checkExpectations({ disks: [{ instance: 'vm1', disk: 'swap', location }] }, { mode: 'metadata', steps: [], counters, disks: [d] }).find((e) => e.what === 'disk vm1/swap location');

  it('holds as the record states it or as the host addresses the disk', () => {
    const file = disk({ location: 'disk.swap' });
    expect(at('disk.swap', file)).toMatchObject({ actual: 'disk.swap', ok: true });
    expect(at('/var/lib/nova/instances/vm1/disk.swap', file)?.ok).toBe(true);
    expect(at('/dev/vg0/vm1_disk.swap', disk({ backend: 'lvm', location: 'vg0/vm1_disk.swap' }))?.ok).toBe(true);
    expect(at('rbd:vms/vm1_disk.swap', disk({ backend: 'rbd', location: 'vms/vm1_disk.swap' }))?.ok).toBe(true);
  });

  it('fails for another disk\'s path, another instance\'s directory, or a form of another backend', () => {
    const file = disk({ location: 'disk.swap' });
    for (const wrong of ['disk', '/var/lib/nova/instances/vm2/disk.swap', '/var/lib/nova/instances/vm1/disk', '/dev/disk.swap', 'rbd:disk.swap']) expect(at(wrong, file)?.ok, wrong).toBe(false);
    expect(at('vg0/vm1_disk.swap', disk({ backend: 'rbd', location: 'vms/vm1_disk.swap' }))?.ok).toBe(false);
    expect(at('/var/lib/nova/instances/vm1/vg0/vm1_disk.swap', disk({ backend: 'lvm', location: 'vg0/vm1_disk.swap' }))?.ok).toBe(false);
  });
});
