/**
 * fast-check arbitraries for the in-memory host: guest content, disk
 * layouts as the drivers make them, and sequences of operations that name
 * every format. Test-only (this folder is not built).
 */
import fc from 'fast-check';
import { HOSTILE_KINDS } from '@disk-ledger/domain';
import type { GuestContent } from '../content/guest-write.js';

/** Host paths a hostile header may point at: a secret, a missing file, another guest's disk. */
export const TARGETS = ['/etc/shadow', '/root/.ssh/id_rsa', '/nonexistent', '/var/lib/nova/instances/vm1/d0'] as const;

/** Benign data, or a hostile kind pointing at one of {@link TARGETS}. */
export const guestContentArb: fc.Arbitrary<GuestContent> = fc.oneof(
  fc.constant<GuestContent>({ kind: 'benign' }),
  fc.record({ kind: fc.constantFrom(...HOSTILE_KINDS), target: fc.constantFrom(...TARGETS) }),
);

/** How a disk was made, and so its recorded format. */
export const LAYOUTS = ['flat-raw', 'flat-qcow2', 'qcow2-overlay', 'lvm', 'rbd', 'ploop', 'ploop-raw'] as const;
/** A disk layout (see {@link LAYOUTS}). */
export type Layout = (typeof LAYOUTS)[number];
/** Any disk layout. */
export const layoutArb = fc.constantFrom(...LAYOUTS);

/** One operation on disk number `disk` (taken modulo the disks made so far). */
export type DiskOp =
  | { readonly op: 'write'; readonly disk: number; readonly content: GuestContent }
  | { readonly op: 'copy'; readonly disk: number; readonly out: 'raw' | 'qcow2' }
  | { readonly op: 'grow'; readonly disk: number }
  | { readonly op: 'info'; readonly disk: number };

/** Any operation, writes weighted up. */
export const diskOpArb: fc.Arbitrary<DiskOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('write' as const), disk: fc.nat(), content: guestContentArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('copy' as const), disk: fc.nat(), out: fc.constantFrom('raw' as const, 'qcow2' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('grow' as const), disk: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('info' as const), disk: fc.nat() }) },
);

/** Tokens an argv fuzzer draws from: real flags, formats, sizes and paths, and junk. */
export const argvTokenArb = fc.oneof(
  fc.constantFrom(
    'create', 'convert', 'resize', 'info', 'init', 'import', 'rm', 'restore-descriptor',
    '-f', '-O', '-F', '-b', '-n', '-o', '-y', '-L', '-s', '-t', '-V', '--size', '--format', '--output=json', '--config',
    'raw', 'qcow2', 'vmdk', 'parallels', 'ploop1', 'none', 'json', 'vpc', 'preallocation=falloc', 'global { activation = 0 }',
    '1024', '1024b', '1024B', '1024K', '1G', '0', '-1', 'x',
    '/var/lib/nova/instances/vm1/disk', '/dev/vg0/lv', 'rbd:pool0/img', 'vg0', 'vg0/lv', 'pool0/img', '/etc/shadow', 'relative', '',
  ),
  fc.string({ maxLength: 12 }),
);

/** An argv for one of the emulated programs (or another), built from {@link argvTokenArb}. */
export const argvArb = fc.tuple(
  fc.constantFrom('qemu-img', 'lvcreate', 'lvremove', 'lvextend', 'lvs', 'rbd', 'ploop', 'mkfs', 'mkswap', 'genisoimage', 'sh'),
  fc.array(argvTokenArb, { maxLength: 10 }),
);
