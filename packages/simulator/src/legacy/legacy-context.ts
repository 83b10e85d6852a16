/**
 * What every classic-driver operation works with: the world, byte-for-byte
 * copies between hosts (nova's `scp`/`rsync` of instance files), the images
 * shelved instances wait in, and one `LegacyHost` per compute host, made on
 * first use and kept (as many as hosts, never as many as instances or steps).
 */
import type { DiskTransfer } from '@disk-ledger/domain';
import { isInjectedCrash } from '@disk-ledger/fake';
import type { SimWorld } from '../world/sim-world.js';
import { LegacyHost } from './legacy-host.js';

/** The shared context of the classic driver's operations. */
export class LegacyContext {
  readonly transfer: DiskTransfer;
  /** The image each shelved instance's root was uploaded to, until it is unshelved or deleted. */
  /**
   * Clean-ups of evacuated instances that a crash cut short on a returning
   * host: nova's compute destroys evacuated instances' files at every start,
   * so each is tried again before the next step (the host is back by then).
   */
  readonly pendingCleanups: (() => Promise<void>)[] = [];
  private readonly hosts = new Map<string, LegacyHost>();

  constructor(readonly world: SimWorld) {
    this.transfer = world.site.transfer;
  }

  /**
   * Run a returning host's clean-up; one that a crash cuts short (the host
   * died again) is kept to finish at the host's next start. A command that
   * fails is not retried: nova's compute only tries again when it starts.
   */
  async cleanUp(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (e) {
      if (isInjectedCrash(e)) this.pendingCleanups.push(run);
      throw e;
    }
  }

  /** Hosts are back before a step: finish the clean-ups a crash cut short (a crash among them waits for the next start). */
  async hostsBack(): Promise<void> {
    for (const run of this.pendingCleanups.splice(0)) {
      try {
        await this.cleanUp(run);
      } catch (e) {
        if (!isInjectedCrash(e)) throw e;
      }
    }
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
