/**
 * Kinds of disk content shared with the scenario format and SECURITY.md:
 * benign data, and the hostile kinds a guest or uploader can plant. Each
 * hostile kind points at a `target` host path (a secret).
 */
export const HOSTILE_KINDS = [
  'qcow2-backing-host-file',
  'qcow2-backing-host-file-fmt',
  'qcow2-data-file',
  'vmdk-flat-extent',
  'raw-with-qcow2-header',
] as const;
/** A kind of hostile content a guest or an uploader writes (SECURITY.md). */
export type HostileKind = (typeof HOSTILE_KINDS)[number];

/** Every content kind: benign data and each hostile kind. */
export const CONTENT_KINDS = ['benign', ...HOSTILE_KINDS] as const;
/** What a disk or an image holds, as scenarios and tests name it. */
export type ContentKind = (typeof CONTENT_KINDS)[number];

/** Whether `u` is a content kind. */
export const isContentKind = (u: unknown): u is ContentKind =>
  typeof u === 'string' && (CONTENT_KINDS as readonly string[]).includes(u);
