/**
 * The in-memory site: every host of the scenario on one `FakeCluster`,
 * which emulates the commands, records probes and leaks as they happen and
 * injects crashes. Every host has nova's default instances path.
 */
import type { HostContext } from '@disk-ledger/core';
import { ALL_BACKENDS, fakeHostModule } from '@disk-ledger/core/composition';
import type { DiskLocation, HostPath } from '@disk-ledger/domain';
import { FakeCluster, FakeDiskTransfer, type FakeCommandExecutor, type FakeHostFiles, type FakeImageService, type GuestContent } from '@disk-ledger/fake';
import { HostDiskDrivers } from '@disk-ledger/host';
import type { Scenario } from '../scenario/load-scenario.js';
import { everyHostsSecrets } from './host-secrets.js';
import { INSTANCES_PATH } from './nova-paths.js';
import type { GuestFormat, GuestOutcome, HostImagePolicy, HostModule, Site, SiteLeak, SiteProbe } from './site.js';

const stepOf = (tag: unknown): number | null => (typeof tag === 'number' ? tag : null);

/** The scenario's hosts and images on an in-memory cluster. */
export class FakeSite implements Site {
  readonly kind = 'fake' as const;
  readonly cluster: FakeCluster;
  readonly transfer: FakeDiskTransfer;

  constructor(scenario: Scenario, commandLog: 'all' | 'none' = 'all') {
    this.cluster = new FakeCluster({ commandLog });
    this.transfer = new FakeDiskTransfer(this.cluster);
    const secrets = everyHostsSecrets(scenario.hosts);
    for (const h of scenario.hosts) this.cluster.addHost({ name: h.name, secrets, directories: [INSTANCES_PATH] });
    // A hostile image without a target points at the first secret any host holds.
    const fallbackTarget = scenario.hosts.flatMap((h) => h.secrets ?? [])[0] ?? '/etc/shadow';
    for (const img of scenario.images ?? []) {
      this.cluster.addImage({
        id: img.id,
        diskFormat: img.disk_format,
        virtualSize: img.virtual_size ?? 1024 ** 3,
        content: img.content ?? 'benign',
        ...(img.content !== undefined && img.content !== 'benign' ? { target: img.target ?? fallbackTarget } : {}),
        ...(img.container_format === undefined ? {} : { containerFormat: img.container_format }),
        kernelId: img.kernel_id ?? null,
        ramdiskId: img.ramdisk_id ?? null,
      });
    }
  }

  instancesPath(_host: string): HostPath {
    return INSTANCES_PATH;
  }

  hostModule(ctx: HostContext, images: HostImagePolicy): HostModule {
    const { imagesVolumeGroup: vg, imagesRbdPool: pool } = ctx.options;
    if (vg !== null && this.cluster.hosts.get(ctx.name)?.volumeGroups.has(vg) !== true) this.cluster.addVolumeGroup(ctx.name, { name: vg });
    if (pool !== null) this.cluster.addRbdPool(ctx.name, pool);
    return fakeHostModule(this.cluster, ctx, ALL_BACKENDS, { allowVmdk: images.allowVmdk });
  }

  executor(host: string): FakeCommandExecutor {
    return this.cluster.executor(host);
  }

  files(host: string): FakeHostFiles {
    return this.cluster.files(host);
  }

  imageService(host: string): FakeImageService {
    // A scenario without hosts still has an image service: its staging host is one no step can name.
    if (!this.cluster.hosts.has(host)) this.cluster.addHost({ name: host, directories: [INSTANCES_PATH] });
    return this.cluster.imageService(host);
  }

  drivers(host: string): HostDiskDrivers {
    return new HostDiskDrivers(this.cluster.executor(host), this.cluster.files(host), ALL_BACKENDS);
  }

  setStep(step: number | null): void {
    this.cluster.setStep(step);
  }

  shown(text: string): string {
    return text;
  }

  armCrash(host: string): void {
    this.cluster.injectFault({ match: (_argv, h) => h === host, effect: 'crash-after' });
  }

  clearFaults(): void {
    this.cluster.clearFaults();
  }

  guestWrite(host: string, address: DiskLocation, format: GuestFormat, content: GuestContent): Promise<GuestOutcome> {
    const r = this.cluster.guestWrite(host, address, format, content);
    return Promise.resolve(r.ok ? { ok: true } : { ok: false, message: r.message });
  }

  guestView(host: string, address: DiskLocation, format: GuestFormat): Promise<GuestOutcome> {
    const r = this.cluster.guestView(host, address, format);
    return Promise.resolve(r.ok ? { ok: true } : { ok: false, message: r.message });
  }

  diskPresent(host: string, address: DiskLocation): Promise<boolean> {
    return Promise.resolve(this.cluster.diskAt(host, address) !== null);
  }

  probes(): readonly SiteProbe[] {
    return this.cluster.probes().map((p) => ({ step: stepOf(p.step), host: p.host, argv: p.argv, image: p.image }));
  }

  leaks(): readonly SiteLeak[] {
    return this.cluster.leaks().map((l) => ({ step: stepOf(l.step), host: l.host, secret: l.secret, secretHost: l.secretHost, marker: l.marker, into: l.into, via: l.via }));
  }

  get commandCount(): number {
    return this.cluster.commandCount;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
