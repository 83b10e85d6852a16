/**
 * `size` rounded up to a whole number of `unit`s: what a backend that
 * allocates in `unit`s holds when asked for `size` bytes (a driver's
 * `allocationUnit`).
 */
export const roundUp = (size: number, unit: number): number => Math.ceil(size / unit) * unit;
