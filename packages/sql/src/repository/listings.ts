/**
 * The repository's listings beyond the port's own: the online migration's
 * pages, the census counts, soft-deleted records. Each decodes its rows and
 * returns the port's error values; driver exceptions propagate to the
 * repository's `TE.tryCatch`.
 */
import { instanceId, type DiskName, type DiskRecordRow, type InstanceRow, type RepositoryError } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { Kysely } from 'kysely';
import { diskOfRow } from '../mapping/disk-slot.js';
import { decodeInstanceRecords } from '../mapping/instance-records.js';
import type { NovaTables } from '../schema/nova-tables.js';
import { repositoryFailed, rowUnreadable } from '../errors/repository-errors.js';
import {
  censusDecoder,
  censusRows,
  deletedRows,
  deletedRowsDecoder,
  instanceRows,
  instanceRowsDecoder,
  listedRowsDecoder,
  listRows,
  type RowFilter,
} from './read-queries.js';
import type { Census, DeletedRecord, ListOptions } from './repository-types.js';
import type { SqlFlavour } from './sql-flavour.js';

/** The row filter of a listing. */
export const filterOf = (populated: boolean, options: ListOptions): RowFilter => ({
  populated,
  afterId: options.afterId ?? 0,
  excludeIds: options.excludeIds ?? [],
  host: options.host ?? null,
});

/** Up to `limit` live local rows matching `filter`, named, with their instance and host. */
export const listedRows = async (
  db: Kysely<NovaTables>,
  flavour: SqlFlavour,
  doing: string,
  filter: RowFilter,
  limit: number,
): Promise<E.Either<RepositoryError, readonly (DiskRecordRow & InstanceRow)[]>> => {
  const { rows: raw } = await listRows(db, flavour, filter, limit);
  const rows = listedRowsDecoder(raw, doing);
  if (E.isLeft(rows)) return E.left(rowUnreadable(doing, rows.left));
  const out: (DiskRecordRow & InstanceRow)[] = [];
  for (const r of rows.right) {
    const disk = diskOfRow(r.kind, r.pos);
    const id = instanceId(r.instance_uuid, 'block_device_mapping.instance_uuid');
    if (E.isLeft(id)) return E.left(rowUnreadable(doing, { path: `block_device_mapping[${r.id}].instance_uuid`, expected: 'an instance id', actual: r.instance_uuid }));
    if (disk !== null) out.push({ instance: id.right, host: r.host ?? '', disk, bdmId: r.id, driverInfo: r.driver_info });
  }
  return E.right(out);
};

/** The census counts. */
export const census = async (db: Kysely<NovaTables>): Promise<E.Either<RepositoryError, Census>> => {
  const { rows: raw } = await censusRows(db);
  const rows = censusDecoder(raw, 'census');
  if (E.isLeft(rows)) return E.left(rowUnreadable('census', rows.left));
  const r = rows.right[0];
  return r === undefined
    ? E.left(repositoryFailed('census returned no row'))
    : E.right({ instances: r.instances, populated: r.populated, unpopulated: r.unpopulated, withInstanceLevelRecords: r.instance_level });
};

const removedRecord = (disk: DiskName, driverInfo: string, deletedAt: string | null): DeletedRecord => ({
  bdmId: null,
  kind: 'instance',
  disk,
  deviceName: null,
  driverInfo,
  deletedAt,
});

/** An instance's soft-deleted BDM rows, then its deleted and removed instance-level records. */
export const deletedRecords = async (
  db: Kysely<NovaTables>,
  flavour: SqlFlavour,
  instance: string,
): Promise<E.Either<RepositoryError, readonly DeletedRecord[]>> => {
  const doing = 'listDeletedDisks';
  const { rows: raw } = await deletedRows(db, flavour, instance);
  const rows = deletedRowsDecoder(raw, doing);
  if (E.isLeft(rows)) return E.left(rowUnreadable(doing, rows.left));
  const out: DeletedRecord[] = [];
  for (const r of rows.right) {
    if (r.src === 'bdm' && r.kind !== null) {
      out.push({ bdmId: r.id, kind: r.kind, disk: null, deviceName: r.device_name, driverInfo: r.info, deletedAt: r.deleted_at });
      continue;
    }
    const records = decodeInstanceRecords(r.info, 'instance_extra.libvirt_disk_metadata');
    if (E.isLeft(records)) return E.left(rowUnreadable(doing, records.left));
    for (const x of records.right.removed) out.push(removedRecord(x.disk, x.driverInfo, x.deletedAt));
    for (const [disk, driverInfo] of records.right.live) out.push(removedRecord(disk, driverInfo, r.deleted_at));
  }
  // Records removed from the live instance_extra row (written as null) are in its `_removed` list.
  const { rows: liveRaw } = await instanceRows(db, flavour, instance);
  const live = instanceRowsDecoder(liveRaw, doing);
  if (E.isLeft(live)) return E.left(rowUnreadable(doing, live.left));
  for (const r of live.right.filter((x) => x.src === 'extra')) {
    const records = decodeInstanceRecords(r.info, 'instance_extra.libvirt_disk_metadata');
    if (E.isLeft(records)) return E.left(rowUnreadable(doing, records.left));
    for (const x of records.right.removed) out.push(removedRecord(x.disk, x.driverInfo, x.deletedAt));
  }
  return E.right(out);
};
