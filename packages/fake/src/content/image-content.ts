/**
 * The bytes of an image in the fake image service's catalogue. The bytes of
 * a hostile image are its header whatever format it is declared as (an
 * uploader controls both, SECURITY.md); a benign image is a genuine image of
 * its declared format holding one marker, `image:<id>`.
 */
import type { ImageFormat } from '@disk-ledger/domain';
import { hostileHeader, innerData, markedData, parallels, qcow2, sparseVmdk, type Header } from './data.js';
import type { GuestContent } from './guest-write.js';
import { MarkerSet } from './markers.js';
import { containerLength, rawVolume, type Volume } from './volume.js';

/** The marker of an image's own bytes. */
export const imageMarker = (id: string): string => `image:${id}`;

// Declared formats whose files are the guest bytes as they are.
const RAW_LIKE: readonly ImageFormat[] = ['raw', 'iso', 'ami', 'ari', 'aki'];

const benignHeader = (diskFormat: ImageFormat, virtualSize: number, marker: string): Header | null => {
  const data = markedData(MarkerSet.of(marker));
  switch (diskFormat) {
    case 'qcow2':
      return qcow2({ virtualSize, clusters: data });
    case 'vmdk':
      return sparseVmdk(virtualSize, data);
    case 'ploop':
      return parallels(virtualSize, data);
    case 'vhd':
      return { format: 'vpc', virtualSize };
    case 'vhdx':
      return { format: 'vhdx', virtualSize };
    case 'vdi':
      return { format: 'vdi', virtualSize };
    default:
      return null;
  }
};

/** The volume holding an image's bytes. */
export const imageVolume = (id: string, diskFormat: ImageFormat, virtualSize: number, content: GuestContent): Volume => {
  const marker = imageMarker(id);
  const header = content.kind === 'benign' ? benignHeader(diskFormat, virtualSize, marker) : hostileHeader(content.kind, content.target, virtualSize);
  if (header === null) return rawVolume(virtualSize, markedData(MarkerSet.of(marker)));
  // A benign container holds the marker in its own storage; otherwise the marker is the bytes after the header.
  const inside = content.kind === 'benign' && innerData(header) !== null;
  const markers = inside ? MarkerSet.empty : MarkerSet.of(marker);
  return { length: RAW_LIKE.includes(diskFormat) ? virtualSize : containerLength(header), data: { header, markers }, text: null };
};
