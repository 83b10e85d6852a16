import type { HostContext, MigrationResult } from '@disk-ledger/core';
import { Fleet, realHostModule } from '@disk-ledger/core/composition';
import {
  BACKENDS,
  decodeDiskMetadata,
  hostPath,
  hostStorageOptions,
  volumeName,
  type HostPath,
  type HostStorageOptionsInput,
  type ImageService,
  type VolumeName,
} from '@disk-ledger/domain';
import { DEFAULT_RBD_CLIENT, LocalDiskTransfer, rbdClient, type RbdClient } from '@disk-ledger/host';
import { openDatabase, type SqlDatabase } from '@disk-ledger/sql';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { readFile, stat } from 'node:fs/promises';
import { readNovaHost, type RbdClientInput } from './nova-conf.js';
import { refuse, type Io } from './refusal.js';

export type { Io } from './refusal.js';

/** How a command opens its database. */
export interface OpenAs {
  /** Only `db upgrade` changes the schema (`true`); the others require it up to date. */
  readonly migrate: true | 'require';
  /** Whether the command writes: a read-only SQLite file is then refused on open. */
  readonly writes: boolean;
  /** `--json`: a failure is also printed on stdout as `{ "error": { code, message } }`, as `replay --json` prints it. */
  readonly json?: boolean;
}


/**
 * Run `f` on the database at `url`. Only `db upgrade` changes the schema;
 * the other commands require it up to date and fail, changing nothing, when
 * it is not. `command` names the command in errors.
 */
export const withDatabase = async (url: string, io: Io, f: (db: SqlDatabase) => Promise<number>, command: string, as: OpenAs = { migrate: 'require', writes: true }): Promise<number> => {
  const opened = await openDatabase(url, as)();
  if (E.isLeft(opened)) return refuse(io, command, as.json === true, opened.left);
  try {
    return await f(opened.right);
  } finally {
    await opened.right.close();
  }
};

/** `db upgrade`: bring the schema up to date (in an existing nova database, only its record columns and their shadow tables' copies). */
export const dbUpgrade = (url: string, io: Io): Promise<number> =>
  withDatabase(url, io, (db) => {
    const m = db.migration;
    const created = m?.createdTables ?? [];
    const added = m?.addedColumns ?? [];
    io.out(created.length + added.length === 0
      ? `${db.url}: schema up to date`
      : `${db.url}: ${[...(created.length > 0 ? [`created ${created.join(', ')}`] : []), ...(added.length > 0 ? [`added ${added.join(', ')}`] : [])].join('; ')}`);
    return Promise.resolve(0);
  }, 'db upgrade', { migrate: true, writes: true });

/** `db census`: counts per backend / format / provenance, and rows still unpopulated. */
export const dbCensus = (url: string, json: boolean, io: Io): Promise<number> =>
  withDatabase(url, io, async (db) => {
    const counts = new Map<string, number>();
    let unreadable = 0;
    let afterId = 0;
    for (;;) {
      const page = await db.repository.listPopulated(500, { afterId })();
      if (E.isLeft(page)) return refuse(io, 'db census', json, { code: page.left.code, message: `${db.url}: ${page.left.message}` });
      if (page.right.length === 0) break;
      for (const row of page.right) {
        afterId = Math.max(afterId, row.bdmId);
        const meta = decodeDiskMetadata(row.driverInfo);
        if (E.isLeft(meta)) unreadable += 1;
        else {
          const key = `${meta.right.backend}/${meta.right.format}/${meta.right.provenance ?? 'unknown'}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
      }
    }
    const whole = await db.repository.census()();
    if (E.isLeft(whole)) return refuse(io, 'db census', json, { code: whole.left.code, message: `${db.url}: ${whole.left.message}` });
    const rows = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => {
      const [backend, format, provenance] = k.split('/');
      return { backend, format, provenance, disks: n };
    });
    if (json) io.out(JSON.stringify({ ...whole.right, unreadable, layouts: rows }, null, 2));
    else {
      io.out(`${'backend'.padEnd(8)} ${'format'.padEnd(7)} ${'provenance'.padEnd(10)} disks`);
      for (const r of rows) io.out(`${String(r.backend).padEnd(8)} ${String(r.format).padEnd(7)} ${String(r.provenance).padEnd(10)} ${r.disks}`);
      // A row whose record does not decode is no more upgraded than one without: every operation on its instance refuses it.
      const readable = whole.right.populated - unreadable;
      const all = whole.right.populated + whole.right.unpopulated;
      io.out(`instances ${whole.right.instances}, records ${readable}, unpopulated ${whole.right.unpopulated}, unreadable ${unreadable}`);
      io.out(`upgrade progress: ${all === 0 ? 100 : Math.floor((100 * readable) / all)}%`);
    }
    return 0;
  }, 'db census', { migrate: 'require', writes: false, json });

/** Options of `db online-migrate`. */
export interface OnlineMigrateOptions {
  readonly db: string;
  readonly host: string;
  readonly instancesPath: string;
  readonly config?: string;
  readonly maxCount?: number;
  readonly overrides: HostStorageOptionsInput;
  /** `--rbd-user`, `--images-rbd-ceph-conf`: each overrides its nova.conf key. */
  readonly rbd?: RbdClientInput;
  /** `--image-cache-subdirectory`: overrides nova.conf's `[image_cache] subdirectory_name`. */
  readonly imageCacheSubdirectory?: string;
}

// Derivation never downloads images; a migration host has no image service to reach.
const noImages: ImageService = {
  show: (id) => TE.left({ _tag: 'ImageServiceFailed', code: 'IMAGE_SERVICE_FAILED', message: `no image service during an online migration (image ${id})` }),
  download: (id) => TE.left({ _tag: 'ImageServiceFailed', code: 'IMAGE_SERVICE_FAILED', message: `no image service during an online migration (image ${id})` }),
  upload: (m) => TE.left({ _tag: 'ImageServiceFailed', code: 'IMAGE_SERVICE_FAILED', message: `no image service during an online migration (image ${m.id})` }),
};

/** A fleet of one real host over the database, as the commands that act on one compute host need; its rbd disks are reached as `rbd`. */
export const singleRealHost = (db: SqlDatabase, ctx: HostContext, rbd: RbdClient = DEFAULT_RBD_CLIENT): Fleet => {
  const fleet = new Fleet({ repository: db.repository, images: noImages, transfer: new LocalDiskTransfer() });
  fleet.setHost(ctx, realHostModule({ ctx, drivers: { backends: [...BACKENDS], rbd }, images: noImages }));
  return fleet;
};

/** nova's `[image_cache] subdirectory_name`, checked as one directory name (absent: the default, `_base`). */
export const imageCacheSubdirectory = (name: string | undefined): E.Either<string, { readonly imageCacheSubdirectory?: VolumeName }> => {
  if (name === undefined) return E.right({});
  const checked = volumeName(name, 'image_cache.subdirectory_name');
  return E.isLeft(checked)
    ? E.left(`image_cache.subdirectory_name ${JSON.stringify(name.slice(0, 80))} is not one directory name (1-128 letters, digits, ".", "_", "+" or "-")`)
    : E.right({ imageCacheSubdirectory: checked.right });
};

/** `--instances-path` as a host path naming a directory of this host, or why it is not one. */
export const instancesDirectory = async (raw: string): Promise<E.Either<string, HostPath>> => {
  // Trailing slashes go, but the root stays itself, so that a refusal names what was given.
  const path = hostPath(raw.replace(/(.)\/+$/, '$1'), 'instances-path');
  if (E.isLeft(path)) return E.left(path.left.message);
  // Every legacy fact lives under it: a wrong path would report each disk as missing from the host.
  const isDir = await stat(path.right).then((st) => st.isDirectory(), () => false);
  return isDir ? E.right(path.right) : E.left(`--instances-path ${path.right} is not a directory on this host`);
};

/** The Ceph client of the flags over nova.conf's, checked; a message when it is not a client. */
export const cephClient = (fromConf: RbdClientInput, flags: RbdClientInput = {}): E.Either<string, RbdClient> =>
  E.mapLeft((e: { readonly message: string }) => e.message)(rbdClient({ ...fromConf, ...flags }));

const BATCH = 50;

/**
 * `db online-migrate`, like `nova-manage db online_data_migrations`: exit 0
 * when nothing is left, 1 when rows were migrated (run again), 2 on errors.
 * Without `--max-count` it runs batches of 50 until a batch does nothing.
 */
export const dbOnlineMigrate = async (o: OnlineMigrateOptions, io: Io): Promise<number> => {
  if (o.host.trim() === '' || o.host.trim() !== o.host) {
    io.err(`disk-ledger db online-migrate: --host ${JSON.stringify(o.host)} is not a host name`);
    return 2;
  }
  // Without the host's nova.conf, the flags must say at least which backend it runs: one flag alone (--use-cow-images)
  // would leave the rest to nova's defaults, and records derived from them would be wrong for a host configured otherwise.
  if (o.config === undefined && o.overrides.imagesType === undefined) {
    io.err("disk-ledger db online-migrate: give the host's --config nova.conf (or at least --images-type, with the options it needs, as flags): records derived from nova's defaults would be wrong for a host configured otherwise");
    return 2;
  }
  let input: HostStorageOptionsInput = {};
  let client: RbdClientInput = {};
  let cacheDir: string | undefined;
  if (o.config !== undefined) {
    const text = await readFile(o.config, 'utf8').catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    if (text instanceof Error) {
      io.err(`disk-ledger db online-migrate: cannot read ${o.config}: ${text.message}`);
      return 2;
    }
    const conf = readNovaHost(text, o.config);
    if (E.isLeft(conf)) {
      io.err(`disk-ledger db online-migrate: ${conf.left.message}`);
      return 2;
    }
    input = conf.right.storage;
    client = conf.right.extras.rbd;
    cacheDir = conf.right.extras.imageCacheSubdirectory;
  }
  const sub = imageCacheSubdirectory(o.imageCacheSubdirectory ?? cacheDir);
  if (E.isLeft(sub)) {
    io.err(`disk-ledger db online-migrate: ${sub.left}`);
    return 2;
  }
  const options = hostStorageOptions({ ...input, ...o.overrides });
  if (E.isLeft(options)) {
    io.err(`disk-ledger db online-migrate: ${options.left.message}`);
    return 2;
  }
  // A host that names no pool holds no rbd disk: its rbd_user (which also serves nova's volumes) is not its disks' concern.
  const ceph = options.right.imagesRbdPool === null ? E.right(DEFAULT_RBD_CLIENT) : cephClient(client, o.rbd);
  if (E.isLeft(ceph)) {
    io.err(`disk-ledger db online-migrate: ${ceph.left}`);
    return 2;
  }
  const instancesPath = await instancesDirectory(o.instancesPath);
  if (E.isLeft(instancesPath)) {
    io.err(`disk-ledger db online-migrate: ${instancesPath.left}`);
    return 2;
  }
  return withDatabase(o.db, io, async (db) => {
    const migration = singleRealHost(db, { name: o.host, options: options.right, instancesPath: instancesPath.right, ...sub.right }, ceph.right).onlineMigration();
    const once = async (n: number): Promise<E.Either<string, MigrationResult>> => E.mapLeft((e: { message: string }) => e.message)(await migration.run(o.host, n));
    const report = (r: MigrationResult, batch: number | null) => {
      const elsewhere = r.filledElsewhere > 0 ? `, filled meanwhile by another writer ${r.filledElsewhere}` : '';
      io.out(`${batch === null ? 'run' : `batch ${batch}`}: found ${r.found}, migrated ${r.done}${elsewhere}, not derivable ${r.failures.length}`);
      for (const f of r.failures) io.out(`  ${f.bdmId < 0 ? 'instance disk' : `row ${f.bdmId}`} ${f.instance}/${f.disk}: ${f.code}: ${f.reason}`);
    };
    // A mistyped host finds nothing, as a finished one does: say which, so "0" is not read as "all done" for the wrong host.
    const nothingLeft = () => io.err(`disk-ledger db online-migrate: no row of a live instance on host ${o.host} lacks driver_info`);
    if (o.maxCount !== undefined) {
      const r = await once(o.maxCount);
      if (E.isLeft(r)) {
        io.err(`disk-ledger db online-migrate: ${r.left}`);
        return 2;
      }
      if (r.right.found === 0 && r.right.filledElsewhere === 0 && r.right.failures.length === 0) nothingLeft();
      report(r.right, null);
      // Rows a concurrent writer took mean this run stopped short of rows that may be left: as after migrating, run again.
      return r.right.done + r.right.filledElsewhere > 0 ? 1 : r.right.failures.length > 0 ? 2 : 0;
    }
    let total = 0;
    // What cannot be migrated is reported again by every batch (a row that does not derive, and an instance-level disk
    // that does not adopt, whose instance's rows are held back): the last batch, which migrated nothing, lists it all.
    let failures: number;
    for (let batch = 1; ; batch += 1) {
      const r = await once(BATCH);
      if (E.isLeft(r)) {
        io.err(`disk-ledger db online-migrate: ${r.left}`);
        return 2;
      }
      report(r.right, batch);
      total += r.right.done;
      failures = r.right.failures.length;
      // A batch whose every row another run filled first did nothing, yet rows past it may be left.
      if (r.right.done === 0 && r.right.filledElsewhere === 0) break;
    }
    if (total === 0 && failures === 0) nothingLeft();
    io.out(`${'migration'.padEnd(28)} ${'migrated'.padStart(9)} ${'not derivable'.padStart(14)}`);
    io.out(`${'libvirt_disk_metadata'.padEnd(28)} ${String(total).padStart(9)} ${String(failures).padStart(14)}`);
    return failures > 0 ? 2 : 0;
  }, 'db online-migrate');
};
