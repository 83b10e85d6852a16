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
export type HostileKind = (typeof HOSTILE_KINDS)[number];

export const CONTENT_KINDS = ['benign', ...HOSTILE_KINDS] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

export const isContentKind = (u: unknown): u is ContentKind =>
  typeof u === 'string' && (CONTENT_KINDS as readonly string[]).includes(u);
