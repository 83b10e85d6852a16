import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { Backend } from '@disk-ledger/domain';
import { HostDiskDrivers } from './drivers.js';
import { MemoryFiles } from './testing/memory-files.js';
import { RecordingExecutor, ok } from './testing/recording-executor.js';

describe('HostDiskDrivers', () => {
  const exec = new RecordingExecutor(() => ok());
  const drivers = new HostDiskDrivers(exec, new MemoryFiles(), { backends: ['flat', 'qcow2', 'lvm'], lvm: { metadataOnly: true } });

  it('gives the driver of each configured backend', async () => {
    for (const b of ['flat', 'qcow2', 'lvm'] as const) {
      const r = await drivers.forBackend(b)();
      expect(E.isRight(r) && r.right.backend).toBe(b);
    }
  });
  it('refuses backends the host does not run, and strings that are no backend, with UNSUPPORTED_OPERATION', async () => {
    for (const b of ['rbd', 'ploop', 'nfs', ''] as Backend[]) {
      const r = await drivers.forBackend(b)();
      expect(E.isLeft(r) && r.left.code).toBe('UNSUPPORTED_OPERATION');
    }
    expect(exec.argvs).toEqual([]);
  });
});
