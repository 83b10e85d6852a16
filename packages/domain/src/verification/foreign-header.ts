import { hasAsciiAt, hasBytesAt, latin1, viewOf } from '../content/bytes.js';
import {
  BOCHS_MAGIC,
  CLOOP_MAGIC,
  LUKS_MAGIC,
  PARALLELS_MAGICS,
  QCOW_MAGIC,
  QED_MAGIC,
  VDI_SIGNATURE,
  VDI_SIGNATURE_OFFSET,
  VHDX_MAGIC,
  VHD_MAGIC,
  VMDK3_MAGIC,
  VMDK4_MAGIC,
  VMDK_DESCRIPTOR_SIGNATURE,
} from '../content/image-headers.js';

/** Names {@link foreignHeaderIn} reports. */
export type ForeignHeader = 'qcow2' | 'qed' | 'vmdk' | 'vhd' | 'vhdx' | 'luks' | 'vdi' | 'parallels' | 'bochs' | 'cloop';

// Mirrors QEMU's vmdk_probe (over the same 2048-byte probe buffer) for text descriptors: after comment lines and
// lines of spaces, a `version=1|2|3` line makes QEMU open the file as vmdk.
// The descriptor signature is checked on its own as well, since it is what
// every descriptor written by a tool starts with.
const VMDK_TEXT_PROBE = /^(?:#[^\n]*(?:\n|$)| *\r?\n)*version=[123]\r?\n/;
const TEXT_PROBE_BYTES = 2048;

const isVmdkText = (head: Uint8Array): boolean => {
  if (hasAsciiAt(head, 0, VMDK_DESCRIPTOR_SIGNATURE)) return true;
  return VMDK_TEXT_PROBE.test(latin1(head.subarray(0, TEXT_PROBE_BYTES)));
};

/**
 * The image format whose header `head` begins with, if any: the formats
 * SECURITY.md names (qcow2, vmdk, vhd, vhdx, qed, luks) and the others QEMU
 * recognises by their first bytes (vdi, parallels, bochs, cloop). `qcow2`
 * covers qcow v1 too: they share the magic.
 *
 * This is used only to refuse an image declared raw whose bytes say
 * otherwise. Its answer never becomes a format: a non-null result is a
 * reason to reject, and `null` is not evidence of anything.
 */
export const foreignHeaderIn = (head: Uint8Array): ForeignHeader | null => {
  if (hasBytesAt(head, 0, QCOW_MAGIC)) return 'qcow2';
  if (hasBytesAt(head, 0, QED_MAGIC)) return 'qed';
  if (hasBytesAt(head, 0, VMDK4_MAGIC) || hasBytesAt(head, 0, VMDK3_MAGIC) || isVmdkText(head)) return 'vmdk';
  if (hasAsciiAt(head, 0, VHD_MAGIC)) return 'vhd';
  if (hasAsciiAt(head, 0, VHDX_MAGIC)) return 'vhdx';
  if (hasBytesAt(head, 0, LUKS_MAGIC)) return 'luks';
  if (head.length >= VDI_SIGNATURE_OFFSET + 4 && viewOf(head).getUint32(VDI_SIGNATURE_OFFSET, true) === VDI_SIGNATURE) return 'vdi';
  if (PARALLELS_MAGICS.some((m) => hasAsciiAt(head, 0, m))) return 'parallels';
  if (hasAsciiAt(head, 0, BOCHS_MAGIC)) return 'bochs';
  if (hasAsciiAt(head, 0, CLOOP_MAGIC)) return 'cloop';
  return null;
};
