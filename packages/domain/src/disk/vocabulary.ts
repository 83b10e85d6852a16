/** Storage backends a libvirt host keeps local disks in. */
export const BACKENDS = ['flat', 'qcow2', 'lvm', 'rbd', 'ploop'] as const;
/** Where a disk lives: flat file, qcow2 overlay, LVM volume, RBD image or ploop image. */
export type Backend = (typeof BACKENDS)[number];

/** Formats a disk may have on the host; always recorded, never detected. */
export const DISK_FORMATS = ['raw', 'qcow2', 'ploop'] as const;
/** The format a disk is opened with; never detected from its bytes. */
export type DiskFormat = (typeof DISK_FORMATS)[number];

/** `disk_format` values an image service may declare for an image. */
export const IMAGE_FORMATS = ['raw', 'qcow2', 'vmdk', 'vhd', 'vhdx', 'vdi', 'iso', 'ploop', 'ami', 'ari', 'aki'] as const;
/** An image service's declared `disk_format`. */
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** How a record came to be: written at creation, derived from legacy host facts, or supplied by an operator. */
export const PROVENANCES = ['created', 'derived', 'operator'] as const;
/** How a record came to be: made with its disk, derived from legacy facts, or stated by an operator. */
export type Provenance = (typeof PROVENANCES)[number];

/** `creating`: durable before the disk exists; `ready`: the disk exists with this layout. */
export const RECORD_STATES = ['creating', 'ready'] as const;
/** Whether a record's disk is known complete (`ready`) or may be half-made (`creating`). */
export type RecordState = (typeof RECORD_STATES)[number];

/** Backend → formats a disk of that backend may have. */
export const ALLOWED_FORMATS: { readonly [B in Backend]: readonly DiskFormat[] } = {
  flat: ['raw', 'qcow2'],
  qcow2: ['qcow2'],
  lvm: ['raw'],
  rbd: ['raw'],
  ploop: ['ploop', 'raw'],
};

/** Whether a disk of `backend` may have `format`. */
export const isAllowedPair = (backend: Backend, format: DiskFormat): boolean =>
  ALLOWED_FORMATS[backend].includes(format);

/** Smallest and largest virtual size a record may state, in bytes. */
export const MIN_DISK_SIZE = 1;
/** The largest disk size a record holds: the largest integer a JSON number carries exactly. */
export const MAX_DISK_SIZE = Number.MAX_SAFE_INTEGER;

const includes = <T extends string>(all: readonly T[], u: unknown): u is T =>
  typeof u === 'string' && (all as readonly string[]).includes(u);

/** Whether `u` is a backend name. */
export const isBackend = (u: unknown): u is Backend => includes(BACKENDS, u);
/** Whether `u` is a disk format name. */
export const isDiskFormat = (u: unknown): u is DiskFormat => includes(DISK_FORMATS, u);
/** Whether `u` is a `disk_format` the image service may declare. */
export const isImageFormat = (u: unknown): u is ImageFormat => includes(IMAGE_FORMATS, u);
