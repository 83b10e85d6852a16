/**
 * Sizes as the tools print them for people: qemu-img's `1 GiB`, LVM's
 * `4.00 MiB`.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

const scale = (bytes: number): { readonly value: number; readonly unit: string } => {
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < UNITS.length - 1) {
    value /= 1024;
    i += 1;
  }
  return { value, unit: UNITS[i] ?? 'B' };
};

/** qemu-img's `size_to_str`: three significant digits, trailing zeros dropped (`1 GiB`, `1.5 GiB`, `196 KiB`). */
export const qemuHumanSize = (bytes: number): string => {
  const { value, unit } = scale(bytes);
  return `${Number(value.toPrecision(3))} ${unit}`;
};

/** LVM's display: two decimals (`4.00 MiB`). */
export const lvmHumanSize = (bytes: number): string => {
  const { value, unit } = scale(bytes);
  return `${value.toFixed(2)} ${unit}`;
};
