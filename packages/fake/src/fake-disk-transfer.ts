/**
 * Adapts the `DiskTransfer` port to a `FakeCluster`: a file of one host is
 * copied to another as stored (the same content object, no format read), as
 * rsync would. A missing source is `FS_NOT_FOUND`; a down host rejects with
 * `HostDown`, like every other adapter of the cluster.
 */
import type { DiskTransfer, HostPath, StorageError } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { fsError } from './fake-host-files.js';
import type { ClusterState } from './state/cluster-state.js';
import { normalizePath } from './state/file-system.js';

/** Byte-for-byte file copies between hosts of a fake cluster. */
export class FakeDiskTransfer implements DiskTransfer {
  constructor(private readonly cluster: ClusterState) {}

  copyFile(fromHost: string, from: HostPath, toHost: string, to: HostPath): TE.TaskEither<StorageError, void> {
    return async () => {
      const src = this.cluster.liveHost(fromHost).fs;
      const dst = this.cluster.liveHost(toHost).fs;
      const a = normalizePath(from);
      const b = normalizePath(to);
      if (a === null) return E.left(fsError('copy', { code: 'EINVAL', path: from }));
      if (b === null) return E.left(fsError('copy', { code: 'EINVAL', path: to }));
      const volume = src.file(a);
      if (volume === undefined) return E.left(fsError('copy', { code: 'ENOENT', path: a }));
      const parent = b.slice(0, b.lastIndexOf('/')) || '/';
      const made = dst.mkdirp(parent);
      if (!made.ok) return E.left(fsError('copy', made.failure));
      const written = dst.writeFile(b, volume);
      return written.ok ? E.right(undefined) : E.left(fsError('copy', written.failure));
    };
  }
}
