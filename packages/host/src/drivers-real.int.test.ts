/**
 * The DiskDriver contract on this host's real tools: flat (raw and qcow2)
 * and qcow2 overlays on qemu-img in a temp dir; LVM in metadata-only mode on
 * a loop-device volume group when the machine allows one.
 */
import { describeDiskDriverContract } from './testing/disk-driver-contract.js';
import { fileHarness } from './testing/real-host.js';

describeDiskDriverContract('flat raw on qemu-img', fileHarness('flat', 'raw'));
describeDiskDriverContract('flat qcow2 on qemu-img', fileHarness('flat', 'qcow2'));
describeDiskDriverContract('qcow2 overlays on qemu-img', fileHarness('qcow2', 'qcow2'));
describeDiskDriverContract('flat raw on qemu-img, preallocated (fallocate)', fileHarness('flat', 'raw', { preallocate: true }));
describeDiskDriverContract('qcow2 overlays on qemu-img, preallocated (fallocate)', fileHarness('qcow2', 'qcow2', { preallocate: true }));
