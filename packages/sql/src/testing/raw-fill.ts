/**
 * The benchmark's baseline: the same rows filled by a bare bulk UPDATE
 * through the same kysely instance (no guards, no decoding), and a reset
 * between rounds. Test and tool support.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../repository/sql-flavour.js';
import type { NovaTables } from '../schema/nova-tables.js';

/** Set `driver_info` of `rows` with one plain UPDATE … FROM (VALUES …). */
export const rawFill = async (db: Kysely<NovaTables>, dialect: DialectName, rows: readonly { bdmId: number; driverInfo: string }[]): Promise<void> => {
  if (dialect === 'mysql') {
    const values = sql.join(rows.map((r) => sql`SELECT ${r.bdmId} AS id, ${r.driverInfo} AS info`), sql` UNION ALL `);
    await sql`UPDATE block_device_mapping AS b JOIN (${values}) AS v ON b.id = v.id SET b.driver_info = v.info`.execute(db);
    return;
  }
  const values = sql.join(rows.map((r) => sql`(${r.bdmId}, ${r.driverInfo})`));
  const [id, info] = dialect === 'postgres' ? ['v.id', 'v.info'] : ['v.column1', 'v.column2'];
  const alias = dialect === 'postgres' ? sql`AS v(id, info)` : sql`AS v`;
  await sql`UPDATE block_device_mapping SET driver_info = ${sql.raw(info)} FROM (VALUES ${values}) ${alias}
    WHERE block_device_mapping.id = ${sql.raw(dialect === 'postgres' ? `${id}::int` : id)}`.execute(db);
};

/** Empty every `driver_info` again. */
export const resetDriverInfo = async (db: Kysely<NovaTables>): Promise<void> => {
  await db.updateTable('block_device_mapping').set({ driver_info: null }).execute();
};
