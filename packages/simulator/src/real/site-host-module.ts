/**
 * The adapters of one real host: core's `realHostModule` (node files, the
 * host drivers, templates, the verified base-image cache) for the file
 * backends, with the site's counting executor in place of the plain one so
 * that every command the services run is counted, checked for probes and
 * can be cut by an armed crash.
 */
import type { HostContext } from '@disk-ledger/core';
import { realHostModule } from '@disk-ledger/core/composition';
import type { CommandExecutor, ImageService } from '@disk-ledger/domain';
import type { HostDriversConfig } from '@disk-ledger/host';
import type { HostImagePolicy, HostModule } from '../world/site.js';

/** The backends whose tools run on this machine: qemu-img on files. */
export const FILE_BACKENDS: HostDriversConfig = { backends: ['flat', 'qcow2'] };

/** The module binding a real host's ports, running its commands through `commands`. */
export const siteHostModule = (ctx: HostContext, commands: CommandExecutor, images: ImageService, policy: HostImagePolicy): HostModule =>
  realHostModule({ ctx, drivers: FILE_BACKENDS, images, commands, allowVmdk: policy.allowVmdk });
