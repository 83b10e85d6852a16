/**
 * Guest writes. The scenario's `guest_write` puts its bytes at offset 0 of
 * the disk as the guest sees it: a benign write replaces whatever header was
 * there and adds a marker; a hostile write plants the header of its kind,
 * pointing at `target`. Through a qcow2 or ploop disk the write lands in the
 * container's own clusters, never in its header.
 */
import type { HostileKind } from '@disk-ledger/domain';
import { hostileHeader, storedMarkers, type Data, type QemuFormat } from './data.js';

// ---- types

/**
 * What a guest writes: ordinary data, or a hostile kind with the host path it points at. A guest writes any bytes it
 * likes: `backingFormat` states another backing format than `raw` in a `qcow2-backing-host-file-fmt` header (one
 * that has a raw base of the cache opened as the qcow2 its bytes begin with).
 */
export type GuestContent = { readonly kind: 'benign' } | { readonly kind: HostileKind; readonly target: string; readonly backingFormat?: QemuFormat };

// ---- operations

/** `data` after the guest wrote `content` at offset 0; `marker` stands for benign bytes, `virtualSize` goes into a planted header. */
export const writeAtZero = (data: Data, content: GuestContent, marker: string, virtualSize: number): Data => {
  const kept = storedMarkers(data);
  return content.kind === 'benign'
    ? { header: null, markers: kept.with(marker) }
    : { header: hostileHeader(content.kind, content.target, virtualSize, content.backingFormat), markers: kept };
};

/**
 * The bytes of a disk after a guest that opened it as `format` wrote
 * `content`; `null` when the bytes cannot be opened as `format` (no VM runs).
 */
export const writeThrough = (bytes: Data, length: number, format: QemuFormat, content: GuestContent, marker: string): Data | null => {
  const h = bytes.header;
  switch (format) {
    case 'raw':
      return writeAtZero(bytes, content, marker, length);
    case 'qcow2':
      return h?.format === 'qcow2' ? { ...bytes, header: { ...h, clusters: writeAtZero(h.clusters, content, marker, h.virtualSize) } } : null;
    case 'parallels':
      return h?.format === 'parallels' ? { ...bytes, header: { ...h, clusters: writeAtZero(h.clusters, content, marker, h.virtualSize) } } : null;
    case 'vmdk':
      return h?.format === 'vmdk' ? { ...bytes, header: { ...h, grains: writeAtZero(h.grains, content, marker, h.virtualSize) } } : null;
  }
};
