/**
 * The typed errors of legacy adoption, each naming the instance and disk and
 * ending with what an operator must do.
 */
import { ENTRY_KIND_WORDS, type DerivedLayout, type DiskMetadata, type DiskName, type EntryKind, type InstanceId, type LegacyError } from '@disk-ledger/domain';
import type { CoreError, DiskMismatch, LegacyBackingRefused, LegacyDiskMissing, RecordExists } from '../errors/core-error.js';

export const backingRefused = (instance: InstanceId, disk: DiskName, file: string, format: string | null): LegacyBackingRefused => ({
  _tag: 'LegacyBackingRefused', code: 'LEGACY_BACKING_REFUSED', instance, disk, path: `${instance}/${disk}`,
  message: `${instance}/${disk} names backing file ${JSON.stringify(file)} (${format === null ? 'no stored format' : format}), which is not a verified base image; an operator must supply its layout`,
});

/** A legacy root overlay names a cache entry that is not its own image's. */
export const foreignBaseRefused = (instance: InstanceId, disk: DiskName, file: string, imageId: string | null): LegacyBackingRefused => ({
  _tag: 'LegacyBackingRefused', code: 'LEGACY_BACKING_REFUSED', instance, disk, path: `${instance}/${disk}`,
  message: imageId === null
    ? `${instance}/${disk} names backing file ${JSON.stringify(file)}, but no image is known for the instance (its image_ref is empty), so no entry of the cache is its own; an operator must supply its layout with its image`
    : `${instance}/${disk} names backing file ${JSON.stringify(file)}, which is not the cache entry of its image ${JSON.stringify(imageId)}; an operator must supply its layout`,
});

/**
 * A rescue disk whose base is not its instance's own image's entry, and whose record (derived, or of the 1.0 format)
 * does not say which image it rescued from: nova keeps no rescue image in the instance's row.
 */
export const rescueBaseUnknown = (instance: InstanceId, file: string): LegacyBackingRefused => ({
  _tag: 'LegacyBackingRefused', code: 'LEGACY_BACKING_REFUSED', instance, disk: 'rescue', path: `${instance}/rescue`,
  message: `${instance}/rescue names backing file ${JSON.stringify(file)}, which is not the cache entry of the instance's own image, and nothing recorded says which image it was made from, so it is not opened; unrescue removes it`,
});

/** A legacy root overlay whose instance's `image_ref` is no image id (a link, say): its own entry of the cache cannot be named. */
export const imageRefUnusable = (instance: InstanceId, disk: DiskName, file: string, ref: string): LegacyBackingRefused => ({
  _tag: 'LegacyBackingRefused', code: 'LEGACY_BACKING_REFUSED', instance, disk, path: `${instance}/${disk}`,
  message: `${instance}/${disk} names backing file ${JSON.stringify(file)}, but the instance's image_ref ${JSON.stringify(ref.slice(0, 80))} is not an image id, so no entry of the cache can be checked as its own; an operator must supply its layout`,
});

/** An operator's image for a disk that names no backing file: nothing to check it against, and nothing to record it for. */
export const imageWithoutBase = (instance: InstanceId, disk: DiskName, image: string): CoreError => ({
  _tag: 'InconsistentOptions', code: 'OPTIONS_INCONSISTENT', path: 'imageId',
  message: `${instance}/${disk} names no backing file, so it is not an overlay of image ${JSON.stringify(image)}: state an image only for an overlay of the base-image cache`,
});

/** A legacy qcow2 names an external data file: its data would be read from, and written to, a file outside it. */
export const dataFileRefused = (instance: InstanceId, disk: DiskName, file: string): LegacyBackingRefused => ({
  _tag: 'LegacyBackingRefused', code: 'LEGACY_BACKING_REFUSED', instance, disk, path: `${instance}/${disk}`,
  message: `${instance}/${disk} names external data file ${JSON.stringify(file)}, which no disk of a host may use; an operator must supply its layout`,
});

export const factsContradict = (instance: InstanceId, disk: DiskName, derived: DerivedLayout, found: string | null): LegacyError => ({
  _tag: 'LegacyFactsContradict', code: 'LEGACY_FACTS_CONTRADICT', disk, path: `${instance}/${disk}`,
  message: `${instance}/${disk}: the host's options put it at ${derived.location} (${derived.backend}/${derived.format}), which does not exist, but the host holds it at ${found ?? '?'}; an operator must supply its layout`,
});

/**
 * A file that qemu-img would not open with the format a layout names: the
 * facts (or the operator) say one format, the file holds another. Raw
 * volumes open as anything, so this is a file backend's answer only.
 */
export const notOpening = (instance: InstanceId, disk: DiskName, probe: DiskMetadata, e: CoreError): CoreError =>
  e.code !== 'COMMAND_FAILED'
    ? e
    : {
        _tag: 'DiskMismatch', code: 'DISK_FORMAT_MISMATCH', instance, disk, path: `${instance}/${disk}`, cause: e,
        message:
          probe.provenance === 'operator'
            ? `${instance}/${disk} does not open as ${probe.backend}/${probe.format}, the layout stated for it: the host holds it otherwise (nothing was recorded)`
            : `${instance}/${disk} does not open as ${probe.backend}/${probe.format}, the layout the host's options and disk.info give it; an operator must supply its layout`,
      };

/** What an operator can do about a disk that is `kind`: a directory may be a ploop disk; a link is replaced by a copy (a copy made onto the link would write through it). */
const remedy = (kind: EntryKind): string =>
  kind === 'directory'
    ? 'an operator must supply its layout (a ploop disk is a directory) or put the disk itself there'
    : 'an operator must replace the link with a copy of its own (copied to a new name, then moved over it)';

/**
 * A legacy file disk that is not a regular file of its own: a symbolic link
 * (qemu-img would follow it to whatever it names, another instance's disk
 * or a host file), a file with other names (a hard link: the same bytes are
 * a host file or another instance's disk too), a directory or a device.
 * The classic driver never made one.
 */
export const notRegularFile = (instance: InstanceId, disk: DiskName, probe: DiskMetadata, what: string, kind: EntryKind): DiskMismatch => ({
  _tag: 'DiskMismatch', code: 'DISK_NOT_REGULAR_FILE', instance, disk, path: `${instance}/${disk}`,
  message: `${instance}/${disk} is not a regular file of its own (${what} is ${ENTRY_KIND_WORDS[kind]}), so it is not adopted as ${probe.backend}/${probe.format}${probe.provenance === 'operator' ? ' (nothing was recorded)' : `; ${remedy(kind)}`}`,
});

export const missingDisk = (instance: InstanceId, disk: DiskName, probe?: DiskMetadata): LegacyDiskMissing => ({
  _tag: 'LegacyDiskMissing', code: 'LEGACY_DISK_MISSING', instance, disk, path: `${instance}/${disk}`,
  message:
    probe?.provenance === 'operator'
      ? `${instance}/${disk} is not on this host at ${probe.location ?? "nova's place for it"} (${probe.backend}/${probe.format}), the layout stated for it`
      : `${instance}/${disk} has no record and is not on this host`,
});

/** An operator layout for a disk that has a record already: records are never replaced that way. */
export const recordExists = (instance: InstanceId, disk: DiskName, meta: DiskMetadata): RecordExists => ({
  _tag: 'RecordExists', code: 'RECORD_EXISTS', instance, disk, path: `${instance}/${disk}`,
  message: `${instance}/${disk} has a record already (${meta.backend}/${meta.format}, ${meta.provenance ?? 'no provenance'}); an operator layout is only for a disk without one`,
});

/** A file today's options call qcow2 that no `disk.info` entry confirms: the host may have made it raw under earlier options. */
export const unconfirmedQcow2 = (instance: InstanceId, disk: DiskName): LegacyError => ({
  _tag: 'LegacyFactsMissing', code: 'LEGACY_FACTS_MISSING', disk, path: `${instance}/${disk}`,
  message: `${instance}/${disk} has no disk.info entry: today's options say qcow2, but the host may have made it raw under earlier options; an operator must supply its layout`,
});
