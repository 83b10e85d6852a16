import type { HostPath, HostStorageOptions } from '@disk-ledger/domain';

/** The compute host the services act on: its name, storage options and instances path. */
export interface HostContext {
  readonly name: string;
  /** Today's options: used only to place brand-new disks and to derive legacy records. */
  readonly options: HostStorageOptions;
  /** nova's `instances_path`; instance directories and `_base` live under it. */
  readonly instancesPath: HostPath;
}
