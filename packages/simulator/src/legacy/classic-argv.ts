/**
 * The argvs the classic driver issued. Where the pre-fix code left a
 * format out, so do these: `qemu-img info`, `convert` and `resize` without
 * `-f` make qemu-img detect the format from the bytes (the emulator records
 * each as a probe). The others are the ordinary forms of docs/commands.md.
 *
 * These are the only argvs of the project that leave a format out, and they
 * exist to show what the classic driver did: they run through a replay's
 * hosts only — the in-memory emulator, or with `replay --host real` the real
 * qemu-img on files the replay made in its own temporary directory, where a
 * planted header can reach nothing but the replay's marker files — and a
 * layering rule keeps every module outside `legacy/` from importing them.
 */
import type { Argv } from '@disk-ledger/domain';
import type { QemuFormat } from '@disk-ledger/fake';

// ---- qemu-img, probing forms

/** `qemu-img info --output=json <qpath>`: the format is whatever the bytes look like. */
export const infoDetected = (qpath: string): Argv => ['qemu-img', 'info', '--output=json', qpath];

/** `qemu-img convert [-n] -O <out> <src> <dst>`: the source is read as whatever it looks like. */
export const convertDetected = (out: QemuFormat, src: string, dst: string, existingTarget = false): Argv =>
  existingTarget ? ['qemu-img', 'convert', '-n', '-O', out, src, dst] : ['qemu-img', 'convert', '-O', out, src, dst];

/** `qemu-img resize <qpath> <size>`: grows the disk as whatever it looks like. */
export const resizeDetected = (qpath: string, size: number): Argv => ['qemu-img', 'resize', qpath, String(size)];

// ---- qemu-img, named forms

/** `qemu-img create -f raw <path> <size>` */
export const createRaw = (path: string, size: number): Argv => ['qemu-img', 'create', '-f', 'raw', path, String(size)];

/** `qemu-img create -f qcow2 -b <base> -F <basefmt> <path> <size>` */
export const createOverlay = (base: string, baseFormat: QemuFormat, path: string, size: number): Argv =>
  ['qemu-img', 'create', '-f', 'qcow2', '-b', base, '-F', baseFormat, path, String(size)];

/** `qemu-img resize -f raw <path> <size>`: pads a config drive the driver just built as a raw ISO. */
export const padRaw = (path: string, size: number): Argv => ['qemu-img', 'resize', '-f', 'raw', path, String(size)];

// ---- templates

/** `mkfs -t <fs> -F -L <label> <path>` (vfat: `mkfs -t vfat -n <label> <path>`) */
export const mkfs = (fsType: 'ext4' | 'ext3' | 'vfat', label: string, path: string): Argv =>
  fsType === 'vfat' ? ['mkfs', '-t', 'vfat', '-n', label, path] : ['mkfs', '-t', fsType, '-F', '-L', label, path];

/** `mkswap <path>` */
export const mkswap = (path: string): Argv => ['mkswap', path];

/** `genisoimage -o <out> … -V config-2 <dir>` */
export const genisoimage = (out: string, dir: string): Argv =>
  ['genisoimage', '-o', out, '-ldots', '-allow-lowercase', '-allow-multidot', '-l', '-publisher', 'disk-ledger', '-quiet', '-J', '-r', '-V', 'config-2', dir];

// ---- LVM, RBD, ploop

/** `lvcreate -y -L <size>b -n <lv> <vg>` */
export const lvcreate = (vg: string, lv: string, size: number): Argv => ['lvcreate', '-y', '-L', `${size}b`, '-n', lv, vg];
/** `lvremove -f <vg>/<lv>` */
export const lvremove = (vg: string, lv: string): Argv => ['lvremove', '-f', `${vg}/${lv}`];
/** `lvextend -L <size>b <vg>/<lv>` */
export const lvextend = (vg: string, lv: string, size: number): Argv => ['lvextend', '-L', `${size}b`, `${vg}/${lv}`];
/** `lvs --reportformat json --units b --nosuffix -o lv_name,vg_name,lv_size <vg>/<lv>` */
export const lvs = (vg: string, lv: string): Argv =>
  ['lvs', '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', 'lv_name,vg_name,lv_size', `${vg}/${lv}`];

/** `rbd import --image-format 2 <path> <pool>/<image>`: byte for byte, header and all. */
export const rbdImport = (path: string, pool: string, image: string): Argv => ['rbd', 'import', '--image-format', '2', path, `${pool}/${image}`];
/** `rbd resize --size <size>B <pool>/<image>` */
export const rbdResize = (pool: string, image: string, size: number): Argv => ['rbd', 'resize', '--size', `${size}B`, `${pool}/${image}`];
/** `rbd rm <pool>/<image>` */
export const rbdRemove = (pool: string, image: string): Argv => ['rbd', 'rm', `${pool}/${image}`];
/** `rbd info --format json <pool>/<image>` */
export const rbdInfo = (pool: string, image: string): Argv => ['rbd', 'info', '--format', 'json', `${pool}/${image}`];

/** `ploop init -s <KiB>K -f ploop1 -t none <dir>/root.hds` */
export const ploopInit = (dir: string, size: number): Argv => ['ploop', 'init', '-s', `${size / 1024}K`, '-f', 'ploop1', '-t', 'none', `${dir}/root.hds`];
/** `ploop restore-descriptor -f raw <dir> <dir>/root.hds` */
export const ploopRawDescriptor = (dir: string): Argv => ['ploop', 'restore-descriptor', '-f', 'raw', dir, `${dir}/root.hds`];
/** `ploop resize -s <KiB>K <dir>/DiskDescriptor.xml` */
export const ploopResize = (dir: string, size: number): Argv => ['ploop', 'resize', '-s', `${size / 1024}K`, `${dir}/DiskDescriptor.xml`];
