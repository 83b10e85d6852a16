/** The class name a Python service registers for this record (`obj_name()`). */
export const METADATA_OBJECT_NAME = 'LibvirtDiskMetadata';

/** The `OBJ_PROJECT_NAMESPACE` oslo checks before it looks the class up. */
export const METADATA_NAMESPACE = 'nova';

/** Every wire version this code reads and writes, oldest first. */
export const METADATA_VERSIONS = ['1.0', '1.1'] as const;

/** A wire version this code knows. */
export type MetadataVersion = (typeof METADATA_VERSIONS)[number];

/** The version written unless a reader asks for an older one. */
export const LATEST_METADATA_VERSION = '1.1' satisfies MetadataVersion;

/** A version string split the way oslo compares versions. */
export interface VersionNumber {
  readonly major: number;
  readonly minor: number;
}

// Canonical "N.M" only: oslo writes its VERSION string verbatim, so leading
// zeros or signs mean a corrupt record, and nine digits keep both parts exact.
const VERSION_PATTERN = /^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$/;

/** Parse `"N.M"`; `undefined` for anything else. */
export const parseVersion = (value: string): VersionNumber | undefined => {
  const match = VERSION_PATTERN.exec(value);
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
};

const KNOWN = new Set<string>(METADATA_VERSIONS);

/** Whether `value` names a version this code knows. */
export const isMetadataVersion = (value: unknown): value is MetadataVersion =>
  typeof value === 'string' && KNOWN.has(value);
