/**
 * Size operands, per tool, in the forms docs/commands.md uses (and, for
 * qemu-img, the suffixes qemu itself accepts). `null` means the tool rejects
 * the text.
 */

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5, e: 1024 ** 6 };

const checked = (n: number): number | null => (Number.isSafeInteger(n) && n >= 0 ? n : null);

/** qemu-img: bytes, or a number with a `k M G T P E` (or `b`) suffix. */
export const qemuSize = (text: string): number | null => {
  const m = /^([0-9]{1,20})([bBkKmMgGtTpPeE]?)$/.exec(text);
  if (m === null) return null;
  const unit = UNITS[(m[2] ?? '').toLowerCase()] ?? 1;
  return checked(Number(m[1]) * unit);
};

/** lvm `-L <n>b`: bytes. Returns `'other-unit'` for a size LVM accepts in a unit the drivers never use. */
export const lvmBytes = (text: string): number | 'other-unit' | null => {
  const m = /^([0-9]{1,20})[bB]$/.exec(text);
  if (m !== null) return checked(Number(m[1]));
  return /^[0-9]+(\.[0-9]+)?[kKmMgGtTpPeEsS]?$/.test(text) ? 'other-unit' : null;
};

/** rbd `--size <n>B`: bytes; `'other-unit'` for rbd's other units. */
export const rbdBytes = (text: string): number | 'other-unit' | null => {
  const m = /^([0-9]{1,20})B$/.exec(text);
  if (m !== null) return checked(Number(m[1]));
  return /^[0-9]+[KMGTPE]?$/.test(text) ? 'other-unit' : null;
};

/** ploop `-s <n>K`: KiB, returned in bytes; `'other-unit'` for ploop's other units. */
export const ploopKiB = (text: string): number | 'other-unit' | null => {
  const m = /^([0-9]{1,17})K$/.exec(text);
  if (m !== null) return checked(Number(m[1]) * 1024);
  return /^[0-9]+[MGT]?$/.test(text) ? 'other-unit' : null;
};
