/**
 * Adapts the `DiskDrivers` port: the drivers of the backends this host is
 * configured to run, built once. A backend the host does not run (or a
 * string that is no backend) is `UnsupportedOperation`, never a fallback to
 * another backend.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import {
  isBackend,
  unsupported,
  type Backend,
  type CommandExecutor,
  type DiskDriver,
  type DiskDrivers,
  type HostFiles,
  type StorageError,
} from '@disk-ledger/domain';
import type { FileDriverOptions } from './file-disk-driver.js';
import { FlatDriver } from './flat-driver.js';
import { LvmDriver, type LvmDriverOptions } from './lvm-driver.js';
import { PloopDriver } from './ploop-driver.js';
import { Qcow2Driver } from './qcow2-driver.js';
import { DEFAULT_RBD_CLIENT, type RbdClient } from './qemu-path.js';
import { RbdDriver } from './rbd-driver.js';

/** Which backends a host runs, and their options. */
export interface HostDriversConfig {
  /** The backends this host can run; the others are refused. */
  readonly backends: readonly Backend[];
  readonly flat?: FileDriverOptions;
  readonly qcow2?: FileDriverOptions;
  /** Defaults to `{ metadataOnly: false }`. */
  readonly lvm?: LvmDriverOptions;
  /** How every driver reaches the Ceph cluster for an rbd disk or source (default: the tools' defaults). */
  readonly rbd?: RbdClient;
}

/** The host's drivers, by backend. */
export class HostDiskDrivers implements DiskDrivers {
  private readonly drivers: ReadonlyMap<Backend, DiskDriver>;
  /** One settled task per driver: every disk operation asks for its driver, and the answer never changes. */
  private readonly found: ReadonlyMap<Backend, TE.TaskEither<StorageError, DiskDriver>>;

  constructor(exec: CommandExecutor, files: HostFiles, config: HostDriversConfig) {
    const client = config.rbd ?? DEFAULT_RBD_CLIENT;
    const make = (b: Backend): DiskDriver => {
      switch (b) {
        case 'flat':
          return new FlatDriver(exec, files, config.flat, client);
        case 'qcow2':
          return new Qcow2Driver(exec, files, config.qcow2, client);
        case 'lvm':
          return new LvmDriver(exec, files, config.lvm, client);
        case 'rbd':
          return new RbdDriver(exec, files, client);
        case 'ploop':
          return new PloopDriver(exec, files, client);
      }
    };
    this.drivers = new Map(config.backends.filter(isBackend).map((b) => [b, make(b)] as const));
    this.found = new Map(
      [...this.drivers].map(([b, driver]) => {
        const settled = Promise.resolve(E.right<StorageError, DiskDriver>(driver));
        return [b, () => settled] as const;
      }),
    );
  }

  forBackend(backend: Backend): TE.TaskEither<StorageError, DiskDriver> {
    return (
      this.found.get(backend) ??
      TE.left(unsupported(`this host does not run the ${String(backend)} backend (it runs: ${[...this.drivers.keys()].join(', ') || 'none'})`))
    );
  }
}
