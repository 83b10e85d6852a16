/**
 * The contract suite's seed access for the SQL repository: instances as
 * nova's classic driver left them, and every stored row of an instance,
 * soft-deleted ones included. Test-only.
 */
import { randomUUID } from 'node:crypto';
import { hasBdm, type DiskName, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { sql, type Kysely } from 'kysely';
import { deviceName, diskOfRow, slotOf, type BdmKind } from '../mapping/disk-slot.js';
import { decodeInstanceRecords } from '../mapping/instance-records.js';
import { array, int, literal, nullable, str, struct } from '../rows/decode.js';
import type { NovaTables } from '../schema/nova-tables.js';
import { KIND_CASE } from '../repository/slot-sql.js';
import type { SqlFlavour } from '../repository/sql-flavour.js';


/** Insert an instance the way nova does, with local BDM rows whose driver_info is NULL. */
export const seedLegacyInstance = async (db: Kysely<NovaTables>, instance: string, host: string, disks: readonly DiskName[]): Promise<void> => {
  const now = '2020-01-01 00:00:00';
  const local = disks.filter(hasBdm);
  const ephemerals = local.filter((d) => slotOf(d).kind === 'ephemeral').length;
  await db.insertInto('instances').values({ uuid: instance, host, node: host, created_at: now, deleted: 0 }).execute();
  await db.insertInto('instance_extra').values({ instance_uuid: instance, created_at: now, deleted: 0 }).execute();
  for (const disk of local) {
    const slot = slotOf(disk);
    const kind: BdmKind = slot.kind === 'instance' ? 'root' : slot.kind;
    const index = kind === 'root' ? 0 : kind === 'swap' ? 1 + ephemerals : 1 + (slot.kind === 'ephemeral' ? slot.position : 0);
    await db
      .insertInto('block_device_mapping')
      .values({
        created_at: now,
        deleted: 0,
        instance_uuid: instance,
        source_type: kind === 'root' ? 'image' : 'blank',
        destination_type: 'local',
        guest_format: kind === 'swap' ? 'swap' : null,
        device_type: 'disk',
        boot_index: kind === 'root' ? 0 : -1,
        device_name: deviceName(index),
        delete_on_termination: 1,
        image_id: kind === 'root' ? '6b7e1c9a-0f3d-4b8e-9a51-2c4d7e8f0a13' : null,
        uuid: randomUUID(),
        driver_info: null,
      })
      .execute();
  }
};

/** One stored row, soft-deleted or not (the contract suite's `SeedRow`). */
export interface StoredRow {
  readonly disk: DiskName;
  readonly bdmId: number | null;
  readonly driverInfo: string | null;
  readonly deleted: boolean;
}

const storedBdmRows = array(struct({ id: int, kind: literal('root', 'ephemeral', 'swap'), deleted: int, pos: int, driver_info: nullable(str) }));
const extraRows = array(struct({ deleted: int, libvirt_disk_metadata: nullable(str) }));

/**
 * Every row stored for the instance id, BDM rows in id order. Live rows carry
 * their slot name; a soft-deleted row is named by its position among the
 * instance's deleted rows of its kind (names belong to live rows only).
 */
export const allRows = async (db: Kysely<NovaTables>, flavour: SqlFlavour, instance: string): Promise<readonly StoredRow[]> => {
  const { rows: raw } = await sql`SELECT id, kind, deleted, driver_info,
      ROW_NUMBER() OVER (PARTITION BY kind, deleted <> 0 ORDER BY ${sql.raw(flavour.slotOrder)}) - 1 AS pos
    FROM (SELECT id, deleted, device_name, driver_info, ${sql.raw(KIND_CASE)} AS kind FROM block_device_mapping
          WHERE instance_uuid = ${instance} AND destination_type = 'local') AS b
    ORDER BY id`.execute(db);
  const rows = storedBdmRows(raw, 'block_device_mapping');
  if (E.isLeft(rows)) throw new Error(`unexpected row at ${rows.left.path}`);
  const out: StoredRow[] = [];
  for (const r of rows.right) {
    const disk = diskOfRow(r.kind, r.pos);
    if (disk !== null) out.push({ disk, bdmId: r.id, driverInfo: r.driver_info, deleted: r.deleted !== 0 });
  }
  const raws = await db.selectFrom('instance_extra').select(['deleted', 'libvirt_disk_metadata']).where('instance_uuid', '=', instance).orderBy('id').execute();
  const extras = extraRows(raws, 'instance_extra');
  if (E.isLeft(extras)) throw new Error(`unexpected row at ${extras.left.path}`);
  for (const e of extras.right) {
    const records = decodeInstanceRecords(e.libvirt_disk_metadata, 'libvirt_disk_metadata');
    if (E.isLeft(records)) throw new Error(`unexpected record at ${records.left.path}`);
    for (const x of records.right.removed) out.push({ disk: x.disk, bdmId: null, driverInfo: x.driverInfo, deleted: true });
    for (const [disk, driverInfo] of records.right.live) out.push({ disk, bdmId: null, driverInfo, deleted: e.deleted !== 0 });
  }
  return out;
};

/** The contract suite's seed access (`BdmRepositorySeed`), over `db`. */
export const seedAccess = (db: Kysely<NovaTables>, flavour: SqlFlavour) => ({
  legacyInstance: (instance: InstanceId, host: string, disks: readonly DiskName[]): Promise<void> => seedLegacyInstance(db, instance, host, disks),
  allRows: (instance: InstanceId): Promise<readonly StoredRow[]> => allRows(db, flavour, instance),
});
