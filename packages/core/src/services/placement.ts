import { type Backend, type DiskMetadata, type DiskPlan, type ByteSize } from '@disk-ledger/domain';

/**
 * LVM's default physical extent: logical volumes are whole extents, so an LV
 * asked for N bytes holds N rounded up to this.
 */
export const LVM_EXTENT = 4 * 1024 * 1024;

/**
 * The unit a backend allocates disks in: LVM extents; whole KiB for ploop
 * (its tools take sizes in KiB); 512-byte sectors for the rest (qemu-img
 * writes whole sectors).
 */
export const allocationUnit = (backend: Backend): number => (backend === 'lvm' ? LVM_EXTENT : backend === 'ploop' ? 1024 : 512);

/**
 * The size a new disk of `backend` will really have when asked for `size`
 * bytes. Planned sizes are rounded up to it *before* the record is written,
 * so that the record states what the host will hold and the check against
 * the host never reports a false size mismatch.
 */
export const placedSize = (backend: Backend, size: number): number => {
  const unit = allocationUnit(backend);
  return Math.ceil(size / unit) * unit;
};

/** A plan whose size is what its backend will allocate. */
export const placePlan = (plan: DiskPlan): DiskPlan => ({ ...plan, size: placedSize(plan.backend, plan.size) as ByteSize });

/** A record whose size is what its backend will allocate. */
export const placeRecord = (meta: DiskMetadata): DiskMetadata => ({ ...meta, size: placedSize(meta.backend, meta.size) });
