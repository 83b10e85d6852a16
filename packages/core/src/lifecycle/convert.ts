import {
  byteSize,
  fileName,
  isAllowedPair,
  recordLocation,
  type Backend,
  type DiskFormat,
  type DiskMetadata,
  type DiskName,
  type InconsistentOptions,
  type InstanceId,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { sourceOf } from '../services/disk-source.js';
import type { HostServices } from './host-registry.js';
import { loadInstance } from './instance-records.js';
import { run, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import { encodeMigration, type Migration } from './migration-record.js';
import { missingDisk } from './rebuild.js';

/**
 * Undo a conversion that failed: the new disk goes and the old record comes
 * back. In place, the old disk was replaced, so it is made again from the
 * staged copy, under its old record stored first (`creating`: should that
 * fail too, the next hard reboot completes it from the staged copy).
 */
const putBack = async (deps: LifecycleDeps, host: HostServices, instance: InstanceId, disk: DiskName, old: DiskMetadata, record: DiskMetadata, inPlace: boolean): Promise<void> => {
  if (!inPlace) {
    await run(host.realizer.remove(instance, disk, record));
    await run(deps.metadata.saveAll(instance, [{ disk, meta: old }]));
    await run(host.realizer.unstage(instance, disk));
    return;
  }
  const pending = await run(deps.metadata.saveAll(instance, [{ disk, meta: { ...old, state: 'creating' } }]));
  if (E.isLeft(pending)) return;
  const back = await run(host.realizer.fromStaged(instance, disk, old));
  if (E.isRight(back)) await run(deps.metadata.saveAll(instance, [{ disk, meta: old }]));
};

const badTarget = (message: string): InconsistentOptions => ({ _tag: 'InconsistentOptions', code: 'OPTIONS_INCONSISTENT', path: 'convert', message });

/**
 * Convert: an explicit change of one disk's layout. The disk's data is first
 * staged (a raw copy beside it, its recorded format named); then the new
 * record is written (state `creating`) before the new disk exists; the new
 * disk is written from the staged copy with both formats named; the old disk
 * goes once the new one is `ready` (when the two share a location, the new
 * one replaces it). A failure puts the old record, and if need be the old
 * disk, back; a crash after the new record leaves a `creating` record that
 * the next hard reboot completes from the staged copy: the data is never
 * only in a disk that is being replaced. The old and new records are kept
 * in a migration record throughout, so that whichever operation next
 * reaches the instance after a crash also removes the layout that lost.
 */
export const convert = async (deps: LifecycleDeps, instance: InstanceId, disk: DiskName, backend: Backend, format: DiskFormat): Step<void> => {
  if (!isAllowedPair(backend, format)) return E.left(badTarget(`${backend} disks cannot be ${format}`));
  const view = await loadInstance(deps, instance, { complete: true });
  if (E.isLeft(view)) return view;
  const { host, records } = view.right;
  const old = records.get(disk);
  if (old === undefined) return E.left(missingDisk(instance, disk));
  if (old.backend === backend && old.format === format) return E.right(undefined);
  const { imagesVolumeGroup: vg, imagesRbdPool: pool } = host.ctx.options;
  if (backend === 'lvm' && vg === null) return E.left(badTarget(`host ${host.ctx.name} has no images_volume_group for an lvm disk`));
  if (backend === 'rbd' && pool === null) return E.left(badTarget(`host ${host.ctx.name} has no images_rbd_pool for an rbd disk`));
  const location = recordLocation(backend, instance, disk, vg, pool);
  if (backend !== 'lvm' && backend !== 'rbd' && E.isLeft(fileName(location))) return E.left(badTarget(`no file name for ${location}`));
  const placed = await run(host.realizer.place(instance, disk, { ...old, backend, format, location, provenance: old.provenance ?? 'created', state: 'creating' }));
  if (E.isLeft(placed)) return placed;
  const record = placed.right;
  const size = byteSize(record.size);
  if (E.isLeft(size)) return size;
  const source = sourceOf(disk, record);
  if (E.isLeft(source)) return source;
  const inPlace = old.location === location;

  const m: Migration = { kind: 'convert', source: host.ctx.name, destination: host.ctx.name, status: 'running', confirm: 'auto', disks: [{ disk, action: 'copy', from: old, to: record }] };
  const begun = await run(deps.repository.setMigration(instance, encodeMigration(m)));
  if (E.isLeft(begun)) return begun;
  const abandon = async (): Promise<void> => {
    await run(host.realizer.unstage(instance, disk));
    await run(deps.repository.setMigration(instance, null));
  };
  const staged = await run(host.realizer.stage(instance, disk, old));
  if (E.isLeft(staged)) {
    await abandon();
    return staged;
  }
  const saved = await run(deps.metadata.saveAll(instance, [{ disk, meta: record }]));
  if (E.isLeft(saved)) {
    await abandon();
    return saved;
  }
  const done = await run(host.realizer.realize(instance, disk, record, source.right));
  if (E.isLeft(done)) {
    await putBack(deps, host, instance, disk, old, record, inPlace);
    await run(deps.repository.setMigration(instance, null));
    return done;
  }
  const removed = inPlace ? E.right(undefined) : await run(host.realizer.remove(instance, disk, old));
  return E.isLeft(removed) ? removed : run(deps.repository.setMigration(instance, null));
};
