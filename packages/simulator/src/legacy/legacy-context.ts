/**
 * What every classic-driver operation works with: the world, byte-for-byte
 * copies between hosts (nova's `scp`/`rsync` of instance files), the images
 * shelved instances wait in, and one `LegacyHost` per compute host, made on
 * first use and kept (as many as hosts, never as many as instances or steps).
 */
import type { DiskTransfer, ImageId } from '@disk-ledger/domain';
import type { SimWorld } from '../world/sim-world.js';
import { LegacyHost } from './legacy-host.js';

/** The shared context of the classic driver's operations. */
export class LegacyContext {
  readonly transfer: DiskTransfer;
  /** The image each shelved instance's root was uploaded to, until it is unshelved or deleted. */
  readonly shelvedImages = new Map<string, ImageId>();
  private readonly hosts = new Map<string, LegacyHost>();

  constructor(readonly world: SimWorld) {
    this.transfer = world.site.transfer;
  }

  /** The host `name`; an unknown name is a broken invariant of the scenario checks. */
  host(name: string): LegacyHost {
    let h = this.hosts.get(name);
    if (h === undefined) {
      h = new LegacyHost(this.world, name);
      this.hosts.set(name, h);
    }
    return h;
  }
}
