import { createRequire } from 'node:module';
import { IMAGES_TYPES, type HostStorageOptionsInput, type ImagesType } from '@disk-ledger/domain';
import { Command, CommanderError, Option } from 'commander';
import { LegacyDriver } from '../legacy/legacy-driver.js';
import { dbCensus, dbOnlineMigrate, dbUpgrade } from './db-commands.js';
import { supplyLayout } from './disk-commands.js';
import { addFleetCommand } from './fleet-command.js';
import { osloBool, type RbdClientInput } from './nova-conf.js';
import { refuse } from './refusal.js';
import { replayCommand, sqlRepository } from './replay-command.js';
import { threadCells } from './thread-cells.js';

const print = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
const printErr = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

/** The version of this package, from its package.json (two levels up from both src/cli and dist/cli). */
const packageVersion = (): string => {
  const pkg: unknown = createRequire(import.meta.url)('../../package.json');
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : 'unknown';
};

/** Build the `disk-ledger` command line; `exit` receives the exit code of the command that ran. */
export const buildProgram = (exit: (code: number) => void): Command => {
  const program = new Command('disk-ledger')
    .description('Persisted, versioned disk-layout metadata for libvirt instance disks: replay scenarios, migrate databases.')
    .version(packageVersion(), '-V, --version', 'print the version of @disk-ledger/simulator')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('replay')
    .description('Replay scenario files (or directories of them) and check their expectations')
    .argument('<files...>', 'scenario files or directories')
    .addOption(new Option('--mode <mode>', 'which driver replays').choices(['metadata', 'legacy', 'both']).default('metadata'))
    .addOption(new Option('--host <host>', 'where disks live: in memory (fake), or real files and qemu-img in a temporary directory (real: flat and qcow2 disks only)').choices(['fake', 'real']).default('fake'))
    .option('--json', 'print the report object instead of a table', false)
    .option('--db <url>', 'repository database: a SQLite path, or a postgres:// or mysql:// URL (default: SQLite in memory)')
    .option('--clear-instances', 'first soft-delete the live instances the scenarios name in --db (a replay stopped part-way leaves them)', false)
    .action(async (files: string[], opts: { mode: 'metadata' | 'legacy' | 'both'; host: 'fake' | 'real'; json: boolean; db?: string; clearInstances: boolean }) => {
      const url = opts.db;
      if (opts.clearInstances && url === undefined) {
        exit(refuse({ out: print, err: printErr }, 'replay', opts.json, { code: 'USAGE_INVALID', message: '--clear-instances needs --db (without it, each run has a new database in memory)' }));
        return;
      }
      exit(
        await replayCommand(
          files,
          {
            mode: opts.mode,
            host: opts.host,
            json: opts.json,
            clearInstances: opts.clearInstances,
            // The embedded default: a SQLite database in memory, fresh for every run.
            openRepository: () => sqlRepository(url ?? 'sqlite::memory:'),
            legacyDriver: (w) => new LegacyDriver(w),
          },
          print,
          printErr,
        ),
      );
    });

  const io = { out: print, err: printErr };
  const db = program.command('db').description('The block device mapping database: schema, online data migration, census');
  db.command('upgrade')
    .description('Create the schema, or add block_device_mapping.driver_info and instance_extra.libvirt_disk_metadata (and their shadow tables\' copies) to an existing nova database (idempotent)')
    .requiredOption('--db <url>', 'sqlite path or URL, postgres:// or mysql:// URL')
    .action(async (opts: { db: string }) => exit(await dbUpgrade(opts.db, io)));
  db.command('online-migrate')
    .description('Fill driver_info for rows that lack it, from host options and disk.info (never disk bytes)')
    .requiredOption('--db <url>', 'sqlite path or URL, postgres:// or mysql:// URL')
    .requiredOption('--host <name>', 'the compute host whose instances to migrate')
    .requiredOption('--instances-path <dir>', "the host's instances_path")
    .option('--config <nova.conf>', "the host's nova.conf-style INI file (required unless --images-type and the options it needs are given as flags)")
    .option('--max-count <n>', 'migrate at most n rows, then exit 1 if any were migrated (exit 127 when n is not a positive integer, as nova-manage)')
    .addOption(new Option('--images-type <type>', 'override [libvirt] images_type').choices([...IMAGES_TYPES]))
    .option('--use-cow-images <bool>', 'override [DEFAULT] use_cow_images (true|false)')
    .option('--force-raw-images <bool>', 'override [DEFAULT] force_raw_images (true|false)')
    .option('--images-volume-group <vg>', 'override [libvirt] images_volume_group')
    .option('--images-rbd-pool <pool>', 'override [libvirt] images_rbd_pool')
    .option('--rbd-user <id>', 'override [libvirt] rbd_user (the Ceph client rbd and qemu-img connect as)')
    .option('--images-rbd-ceph-conf <path>', 'override [libvirt] images_rbd_ceph_conf')
    .option('--image-cache-subdirectory <name>', "override [image_cache] subdirectory_name (the base-image cache's directory in the instances path; default _base)")
    .action(async (opts: OnlineMigrateFlags) => {
      let maxCount: number | undefined;
      if (opts.maxCount !== undefined) {
        const n = Number(opts.maxCount);
        if (!/^[0-9]+$/.test(opts.maxCount) || !Number.isSafeInteger(n) || n < 1) {
          printErr(`disk-ledger db online-migrate: --max-count must be a positive integer, got ${JSON.stringify(opts.maxCount)}`);
          // nova-manage db online_data_migrations exits 127 for a --max-count that is not positive; scripts test for it.
          exit(127);
          return;
        }
        maxCount = n;
      }
      const overrides = flagOverrides(opts);
      if (typeof overrides === 'string') {
        printErr(`disk-ledger db online-migrate: ${overrides}`);
        exit(2);
        return;
      }
      exit(await dbOnlineMigrate({ db: opts.db, host: opts.host, instancesPath: opts.instancesPath, ...(opts.config === undefined ? {} : { config: opts.config }), ...(maxCount === undefined ? {} : { maxCount }), overrides, rbd: rbdFlags(opts), ...(opts.imageCacheSubdirectory === undefined ? {} : { imageCacheSubdirectory: opts.imageCacheSubdirectory }) }, io));
    });
  db.command('census')
    .description('Disks per backend, format and provenance, and rows still without a record')
    .requiredOption('--db <url>', 'sqlite path or URL, postgres:// or mysql:// URL')
    .option('--json', 'print JSON', false)
    .action(async (opts: { db: string; json: boolean }) => exit(await dbCensus(opts.db, opts.json, io)));

  program
    .command('disk')
    .description('One disk of an instance')
    .command('supply-layout')
    .description("Record an operator-supplied layout for a legacy disk whose facts could not be derived (checked against the host, never probed)")
    .requiredOption('--db <url>', 'sqlite path or URL, postgres:// or mysql:// URL')
    .requiredOption('--host <name>', 'the compute host holding the disk')
    .requiredOption('--instances-path <dir>', "the host's instances_path")
    .requiredOption('--instance <id>', 'the instance')
    .requiredOption('--disk <name>', 'root, ephemeralN, swap, config, kernel, ramdisk or rescue')
    .requiredOption('--backend <backend>', 'flat, qcow2, lvm, rbd or ploop')
    .requiredOption('--format <format>', 'raw, qcow2 or ploop')
    .option('--location <location>', 'file name in the instance directory, vg/lv or pool/image (default: nova\'s name)')
    .option('--image <id>', "a root overlay's image, whose cache entry its base must be (default: the instance's image_ref; an unshelved root's is its shelved snapshot)")
    .option('--rbd-user <id>', "[libvirt] rbd_user: the Ceph client an rbd disk is checked as (default: rbd's, admin)")
    .option('--images-rbd-ceph-conf <path>', "[libvirt] images_rbd_ceph_conf (default: rbd's, $CEPH_CONF or /etc/ceph/ceph.conf)")
    .option('--image-cache-subdirectory <name>', "[image_cache] subdirectory_name: where an overlay's base may be (default _base)")
    .action(async (opts: { db: string; host: string; instancesPath: string; instance: string; disk: string; backend: string; format: string; location?: string; image?: string; rbdUser?: string; imagesRbdCephConf?: string; imageCacheSubdirectory?: string }) =>
      exit(await supplyLayout({ ...opts, rbd: rbdFlags(opts) }, io)));

  // Worker threads run the built JavaScript; run from the TypeScript sources (tests), cells run one after another.
  const threads = import.meta.url.endsWith('.js') ? threadCells : undefined;
  addFleetCommand(program, { legacyDriver: (w) => new LegacyDriver(w), print, printErr, progress: process.stderr, exit, ...(threads === undefined ? {} : { threads }) });

  return program;
};

/** Flags of `db online-migrate` as commander hands them over. */
interface OnlineMigrateFlags {
  readonly db: string;
  readonly host: string;
  readonly instancesPath: string;
  readonly config?: string;
  readonly maxCount?: string;
  readonly imagesType?: ImagesType;
  readonly useCowImages?: string;
  readonly forceRawImages?: string;
  readonly imagesVolumeGroup?: string;
  readonly imagesRbdPool?: string;
  readonly rbdUser?: string;
  readonly imagesRbdCephConf?: string;
  readonly imageCacheSubdirectory?: string;
}

/** The Ceph client flags given (each overrides its nova.conf key). */
const rbdFlags = (o: { readonly rbdUser?: string; readonly imagesRbdCephConf?: string }): RbdClientInput => ({
  ...(o.rbdUser === undefined ? {} : { user: o.rbdUser }),
  ...(o.imagesRbdCephConf === undefined ? {} : { cephConf: o.imagesRbdCephConf }),
});

const flagBool = (name: string, v: string | undefined): boolean | undefined | string => {
  if (v === undefined) return undefined;
  return osloBool(v) ?? `--${name} must be true or false, got ${JSON.stringify(v)}`;
};

/** Individual flags override the config file. */
const flagOverrides = (o: OnlineMigrateFlags): HostStorageOptionsInput | string => {
  const cow = flagBool('use-cow-images', o.useCowImages);
  if (typeof cow === 'string') return cow;
  const raw = flagBool('force-raw-images', o.forceRawImages);
  if (typeof raw === 'string') return raw;
  return {
    ...(o.imagesType === undefined ? {} : { imagesType: o.imagesType }),
    ...(cow === undefined ? {} : { useCowImages: cow }),
    ...(raw === undefined ? {} : { forceRawImages: raw }),
    ...(o.imagesVolumeGroup === undefined ? {} : { imagesVolumeGroup: o.imagesVolumeGroup }),
    ...(o.imagesRbdPool === undefined ? {} : { imagesRbdPool: o.imagesRbdPool }),
  };
};


/**
 * Run the CLI with `argv` (as `process.argv`); resolves to the exit code. `build` makes the command line (tests give
 * one whose command throws, to see the internal-error path).
 */
export const main = async (argv: readonly string[], build: typeof buildProgram = buildProgram): Promise<number> => {
  let code = 0;
  const program = build((c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv]);
  } catch (e) {
    // commander exits 0 for --help and --version, 1 for usage errors (it has printed them); usage errors are invalid input here.
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0;
      // A script that asked for JSON reads stdout: say it there too, as the commands do for their own refusals.
      if (argv.includes('--json')) print(JSON.stringify({ error: { code: 'USAGE_INVALID', message: e.message.replace(/^error: /, '') } }, null, 2));
      return 2;
    }
    // Anything else is a bug, not bad input: say so, with the stack, rather than pass it off as an invalid scenario.
    process.stderr.write(`disk-ledger: internal error (please report it): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    // A script that asked for JSON parses stdout: give it an object it can tell from a report, not an empty stream.
    if (argv.includes('--json')) print(JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: e instanceof Error ? e.message : String(e) } }, null, 2));
    return INTERNAL_ERROR;
  }
  return code;
};

/** Exit code of an unexpected exception (sysexits' EX_SOFTWARE): neither a failed expectation (1) nor bad input (2). */
export const INTERNAL_ERROR = 70;
