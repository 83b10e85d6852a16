import * as E from 'fp-ts/lib/Either.js';
import { novaFileName, novaFileNames, type DiskName } from '../disk/disk-role.js';
import { isAllowedPair, type Backend, type DiskFormat } from '../disk/vocabulary.js';
import { hostBackend, type HostStorageOptions } from '../layout/host-options.js';
import type { HostPath, InstanceId } from '../names/safe-names.js';
import type { DiskInfo } from './disk-info.js';
import type { LegacyError } from './legacy-error.js';

/** What the classic driver left behind for one disk. Never its bytes. */
export interface LegacyFacts {
  readonly options: HostStorageOptions;
  readonly instance: InstanceId;
  /** The instance directory, as the keys of `disk.info` name it. */
  readonly instanceDir: HostPath;
  /** The decoded `disk.info`, or `null` when the file is absent. */
  readonly diskInfo: DiskInfo | null;
  readonly disk: DiskName;
}

/** A derived layout; the size comes from the host, read with this format. */
export interface DerivedLayout {
  readonly backend: Backend;
  readonly format: DiskFormat;
  readonly location: string;
}

const missing = (disk: DiskName, message: string): LegacyError => ({ _tag: 'LegacyFactsMissing', code: 'LEGACY_FACTS_MISSING', disk, path: disk, message });
const contradict = (disk: DiskName, message: string): LegacyError => ({ _tag: 'LegacyFactsContradict', code: 'LEGACY_FACTS_CONTRADICT', disk, path: disk, message });

/** The `disk.info` entry of a disk, with nova's older `disk.local` for the first ephemeral; `null` when it has none. */
export const diskInfoEntry = (facts: LegacyFacts): { readonly file: string; readonly format: DiskFormat } | null => {
  for (const name of novaFileNames(facts.disk)) {
    const format = facts.diskInfo?.get(`${facts.instanceDir}/${name}`);
    if (format !== undefined) return { file: name, format };
  }
  return null;
};

/** The backend the classic driver gave a disk of this role under these options: kernel and ramdisk are files, a config drive too unless in rbd. */
export const legacyBackend = (options: HostStorageOptions, disk: DiskName): Backend => {
  const backend = hostBackend(options);
  if (disk === 'kernel' || disk === 'ramdisk') return 'flat';
  if (disk === 'config') return backend === 'rbd' ? 'rbd' : 'flat';
  return backend;
};

/**
 * Derive the layout the classic driver gave a disk that has no record, from
 * the host's options, `disk.info` and the disk's role: qcow2 backend → qcow2
 * (flat raw when its `disk.info` entry says raw); flat → the `disk.info` entry; lvm, rbd → raw; ploop → ploop; config drive
 * → flat raw or rbd. Missing or contradictory facts are errors, never guesses.
 */
export const deriveLegacyLayout = (facts: LegacyFacts): E.Either<LegacyError, DerivedLayout> => {
  const backend = legacyBackend(facts.options, facts.disk);
  const entry = diskInfoEntry(facts);
  const file = entry?.file ?? novaFileName(facts.disk);
  const location =
    backend === 'lvm' ? `${facts.options.imagesVolumeGroup ?? ''}/${facts.instance}_${file}`
      : backend === 'rbd' ? `${facts.options.imagesRbdPool ?? ''}/${facts.instance}_${file}`
        : file;
  const expected: DiskFormat | null =
    backend === 'flat' ? (facts.disk === 'kernel' || facts.disk === 'ramdisk' || facts.disk === 'config' ? 'raw' : null)
      : backend === 'qcow2' ? 'qcow2' : backend === 'ploop' ? 'ploop' : 'raw';
  if (expected === null) {
    if (entry === null) {
      return E.left(missing(facts.disk, `flat disk ${facts.disk} of ${facts.instance} has no disk.info entry; an operator must supply its layout`));
    }
    return isAllowedPair('flat', entry.format)
      ? E.right({ backend, format: entry.format, location })
      : E.left(contradict(facts.disk, `disk.info says ${entry.format} for flat disk ${facts.disk} of ${facts.instance}`));
  }
  // nova's qcow2 backend opens a disk with the format its disk.info entry names (`resolve_driver_format`): a raw
  // file made before the host moved to qcow2 stays a raw file. Raw is never read for a header, so this trusts nothing
  // of the guest's.
  if (backend === 'qcow2' && entry?.format === 'raw') return E.right({ backend: 'flat', format: 'raw', location });
  if (entry !== null && entry.format !== expected && !(backend === 'ploop' && entry.format === 'raw')) {
    return E.left(contradict(facts.disk, `disk.info says ${entry.format} for ${backend} disk ${facts.disk} of ${facts.instance}, which holds ${expected}`));
  }
  return E.right({ backend, format: entry?.format ?? expected, location });
};
