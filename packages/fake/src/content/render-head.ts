/**
 * The real leading bytes of a volume, for `HostFiles.readHead` (image
 * verification reads headers, never the fake's structure). qcow2 and vmdk
 * headers, and the hostile kinds, come from the domain's byte builders, so
 * the in-memory host shows verification exactly what the real host's
 * fixtures hold. Formats the builders do not cover get their magic and size
 * fields; bytes a fixture wrote are shown as written, padded with zeros;
 * other benign data is the domain's benign fill naming its markers.
 */
import { benignBytes, hostileBytes, qcow2Header, vmdkFlatExtentDescriptor, vmdkSparseImage } from '@disk-ledger/domain';
import { storedMarkers, type Header } from './data.js';
import type { Volume } from './volume.js';

const encoder = new TextEncoder();
const ascii = (s: string): Uint8Array => encoder.encode(s);

const PARALLELS_MAGIC = 'WithouFreSpacExt';
const VDI_TEXT = '<<< Oracle VM VirtualBox Disk Image >>>\n';
const VDI_SIGNATURE = 0xbeda107f;

// A ploop1 header: magic, version 2, geometry, cluster size in sectors, sizes, "in use" mark.
const parallelsHead = (virtualSize: number): Uint8Array => {
  const out = new Uint8Array(64);
  const view = new DataView(out.buffer);
  out.set(ascii(PARALLELS_MAGIC), 0);
  view.setUint32(16, 2, true);
  view.setUint32(20, 16, true);
  view.setUint32(24, Math.ceil(virtualSize / 512 / (16 * 2048)), true);
  view.setUint32(28, 2048, true);
  view.setUint32(32, Math.ceil(virtualSize / (2048 * 512)), true);
  view.setBigUint64(36, BigInt(Math.ceil(virtualSize / 512)), true);
  view.setUint32(44, 0x746f6e59, true);
  view.setUint32(48, 2048, true);
  return out;
};

const opaqueHead = (format: 'vpc' | 'vhdx' | 'vdi' | 'qed' | 'luks'): Uint8Array => {
  switch (format) {
    case 'vpc':
      return ascii('conectix');
    case 'vhdx':
      return ascii('vhdxfile');
    case 'qed':
      return Uint8Array.of(0x51, 0x45, 0x44, 0x00);
    case 'luks':
      return Uint8Array.of(0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe, 0x00, 0x01);
    case 'vdi': {
      const out = new Uint8Array(72);
      out.set(ascii(VDI_TEXT), 0);
      new DataView(out.buffer).setUint32(64, VDI_SIGNATURE, true);
      return out;
    }
  }
};

// The builders refuse sizes and names no real image has (a 0-byte qcow2, a 3 TiB sparse vmdk);
// such a header still begins with its magic.
const orMagic = (build: () => Uint8Array, magic: Uint8Array): Uint8Array => {
  try {
    return build();
  } catch (e) {
    if (e instanceof RangeError) return magic;
    throw e;
  }
};

const headerBytes = (h: Header): Uint8Array => {
  switch (h.format) {
    case 'qcow2': {
      const planted = h.planted;
      const target = h.backing?.path ?? h.dataFile;
      if (planted !== null && target !== null) return orMagic(() => hostileBytes(planted, target, h.virtualSize), Uint8Array.of(0x51, 0x46, 0x49, 0xfb));
      return orMagic(
        () =>
          qcow2Header({
            virtualSize: h.virtualSize,
            ...(h.backing === null ? {} : { backingFile: h.backing.path }),
            ...(h.backing === null || h.backing.format === null ? {} : { backingFormat: h.backing.format }),
            ...(h.dataFile === null ? {} : { dataFile: h.dataFile }),
          }),
        Uint8Array.of(0x51, 0x46, 0x49, 0xfb),
      );
    }
    case 'vmdk': {
      const flat = h.extents.find((e) => e.type === 'FLAT');
      if (flat?.type === 'FLAT') {
        const planted = h.planted;
        return planted !== null
          ? orMagic(() => hostileBytes(planted, flat.path, h.virtualSize), ascii('# Disk DescriptorFile\n'))
          : orMagic(() => vmdkFlatExtentDescriptor({ extentPath: flat.path, sizeBytes: h.virtualSize }), ascii('# Disk DescriptorFile\n'));
      }
      return orMagic(() => vmdkSparseImage({ virtualSize: h.virtualSize, createType: h.createType }), ascii('KDMV'));
    }
    case 'parallels':
      return parallelsHead(h.virtualSize);
    default:
      return opaqueHead(h.format);
  }
};

/** Up to `length` leading bytes of `volume` (never more than the volume holds). */
export const renderHead = (volume: Volume, length: number): Uint8Array => {
  const n = Math.max(0, Math.min(length, volume.length));
  if (volume.text !== null) return ascii(volume.text).subarray(0, n);
  const h = volume.data.header;
  if (h === null && volume.data.lead === undefined) {
    const markers = storedMarkers(volume.data);
    return markers.size === 0 ? new Uint8Array(n) : benignBytes(markers.toSortedArray().join(' '), n);
  }
  if (h === null) {
    const lead = volume.data.lead ?? new Uint8Array(0);
    if (lead.length >= n) return lead.subarray(0, n);
    const out = new Uint8Array(n);
    out.set(lead, 0);
    return out;
  }
  // Cached bytes are shared, so the caller gets a copy it may change.
  const head = cachedHeaderBytes(h);
  if (head.length >= n) return head.slice(0, n);
  const out = new Uint8Array(n);
  out.set(head, 0);
  return out;
};

// Building a qcow2 header builds the whole minimal image, and every boot from an image verifies a freshly
// downloaded copy (snapshots add images all the time), so qcow2 header bytes are kept by what they are built
// from: the same fields give the same bytes. A fleet has few distinct ones; the memo is small (cleared when
// full), as each entry is a whole image of a few clusters.
const QCOW2_MEMO_LIMIT = 64;
const qcow2Memo = new Map<string, Uint8Array>();

const cachedHeaderBytes = (h: Header): Uint8Array => {
  if (h.format !== 'qcow2') return headerBytes(h);
  const key = JSON.stringify([h.planted, h.virtualSize, h.backing?.path ?? null, h.backing?.format ?? null, h.dataFile]);
  let bytes = qcow2Memo.get(key);
  if (bytes === undefined) {
    bytes = headerBytes(h);
    if (qcow2Memo.size >= QCOW2_MEMO_LIMIT) qcow2Memo.clear();
    qcow2Memo.set(key, bytes);
  }
  return bytes;
};
