/**
 * The real site: the scenario's hosts as directories of one temporary root
 * on this machine, their disks as real files handled by the real qemu-img
 * (flat and qcow2 only), their secrets as real files holding unique
 * markers, the image catalogue as real bytes (hostile kinds included) in a
 * directory image service. Commands are counted and checked for probes as
 * they run; leaks are found by reading what guests and the image service
 * really get. `close` removes the whole tree.
 */
import { access, mkdir } from 'node:fs/promises';
import type { HostContext } from '@disk-ledger/core';
import type { CommandExecutor, DiskLocation, HostFiles, HostPath, ImageService } from '@disk-ledger/domain';
import type { GuestContent } from '@disk-ledger/fake';
import { ExecaCommandExecutor, HostDiskDrivers, LocalDiskTransfer, NodeHostFiles } from '@disk-ledger/host';
import * as E from 'fp-ts/lib/Either.js';
import type { Scenario } from '../scenario/load-scenario.js';
import type { ImageSpec } from '../scenario/scenario.js';
import type { GuestFormat, GuestOutcome, HostImagePolicy, HostModule, Site, SiteLeak, SiteProbe } from '../world/site.js';
import { DirectoryImageService } from './directory-image-service.js';
import { writeAsGuest } from './guest-write.js';
import { ImageStore } from './image-store.js';
import { LeakWatch } from './leak-watch.js';
import { QemuObserver, type QemuName } from './qemu-observer.js';
import { checkRealSupport, checkRealTools, checkScenarioTools, type RealUnsupported } from './real-support.js';
import { plantSecrets, type SecretSet } from './secrets.js';
import { SiteExecutor } from './site-executor.js';
import { FILE_BACKENDS, siteHostModule } from './site-host-module.js';
import { SiteLayout } from './site-layout.js';
import { SiteRecorder } from './site-recorder.js';

/** The file of a disk; `null` for a backend the real site does not run. */
const fileOf = (address: DiskLocation): string | null => (address.backend === 'flat' || address.backend === 'qcow2' ? address.path : null);

/** qemu's name for the format a VM opens a disk with. */
const qemuName = (format: GuestFormat): QemuName => (format === 'ploop' ? 'parallels' : format);

const notHere = (address: DiskLocation): GuestOutcome => ({ ok: false, message: `the ${address.backend} backend does not run on --host real` });

export class RealSite implements Site {
  readonly kind = 'real' as const;
  readonly transfer = new LocalDiskTransfer();
  private readonly hostFiles = new NodeHostFiles();
  private readonly executors = new Map<string, SiteExecutor>();
  private readonly imageServices = new Map<string, DirectoryImageService>();
  private guestWrites = 0;

  private constructor(
    private readonly layout: SiteLayout,
    private readonly recorder: SiteRecorder,
    private readonly observer: QemuObserver,
    private readonly watch: LeakWatch,
    private readonly secrets: SecretSet,
    private readonly store: ImageStore,
    /** Commands the services and the classic model run, before counting. */
    private readonly commands: CommandExecutor,
  ) {}

  /**
   * Set up the scenario's hosts, secrets and images in a fresh temporary
   * directory; a scenario that needs another backend, or a machine without
   * qemu-img, is refused before anything is made.
   */
  static async open(scenario: Scenario): Promise<E.Either<RealUnsupported, RealSite>> {
    const supported = checkRealSupport(scenario);
    if (E.isLeft(supported)) return supported;
    const tools = await checkRealTools();
    if (E.isLeft(tools)) return tools;
    const needed = await checkScenarioTools(scenario);
    if (E.isLeft(needed)) return needed;
    const layout = await SiteLayout.create();
    if (E.isLeft(layout)) return E.left({ code: 'REAL_HOST_UNSUPPORTED', message: layout.left.message });
    const root = layout.right;
    try {
      await mkdir(root.scratchDir, { recursive: true });
      for (const h of scenario.hosts) await mkdir(root.instancesPath(h.name), { recursive: true });
      const secrets = await plantSecrets(root, scenario.hosts);
      const commands = new ExecaCommandExecutor();
      const recorder = new SiteRecorder();
      const observer = new QemuObserver(commands, root.scratchDir);
      const watch = new LeakWatch(observer, secrets, recorder, root);
      const store = new ImageStore(scenario.images ?? [], root, observer, targetOn(root, scenario));
      return E.right(new RealSite(root, recorder, observer, watch, secrets, store, commands));
    } catch (e) {
      await root.remove();
      throw e;
    }
  }

  instancesPath(host: string): HostPath {
    return this.layout.instancesPath(host);
  }

  hostModule(ctx: HostContext, images: HostImagePolicy): HostModule {
    return siteHostModule(ctx, this.executor(ctx.name), this.imageService(ctx.name), images);
  }

  executor(host: string): SiteExecutor {
    let e = this.executors.get(host);
    if (e === undefined) {
      e = new SiteExecutor(this.commands, host, this.recorder);
      this.executors.set(host, e);
    }
    return e;
  }

  files(_host: string): HostFiles {
    return this.hostFiles;
  }

  imageService(host: string): ImageService {
    let s = this.imageServices.get(host);
    if (s === undefined) {
      s = new DirectoryImageService(this.store, host, this.watch);
      this.imageServices.set(host, s);
    }
    return s;
  }

  drivers(host: string): HostDiskDrivers {
    return new HostDiskDrivers(this.executor(host), this.hostFiles, FILE_BACKENDS);
  }

  setStep(step: number | null): void {
    this.recorder.step = step;
    // Each step's reads of a secret carry its own marker (secrets.ts), so leak attribution can tell a copy from a read.
    if (step !== null) this.secrets.rotate();
  }

  shown(text: string): string {
    return this.layout.virtual(text);
  }

  armCrash(host: string): void {
    this.recorder.armCrash(host);
  }

  clearFaults(): void {
    this.recorder.clearFaults();
  }

  guestWrite(host: string, address: DiskLocation, format: GuestFormat, content: GuestContent): Promise<GuestOutcome> {
    const path = fileOf(address);
    if (path === null) return Promise.resolve(notHere(address));
    this.guestWrites += 1;
    return writeAsGuest(this.observer, this.layout, host, path, qemuName(format), content, `guest:${this.guestWrites}`);
  }

  guestView(host: string, address: DiskLocation, format: GuestFormat): Promise<GuestOutcome> {
    const path = fileOf(address);
    return path === null ? Promise.resolve(notHere(address)) : this.watch.guestView(host, path, qemuName(format));
  }

  async diskPresent(_host: string, address: DiskLocation): Promise<boolean> {
    const path = fileOf(address);
    return path !== null && (await access(path).then(() => true, () => false));
  }

  probes(): readonly SiteProbe[] {
    const v = (s: string): string => this.layout.virtual(s);
    return this.recorder.probes().map((p) => ({ ...p, argv: p.argv?.map(v) ?? null, image: v(p.image) }));
  }

  leaks(): readonly SiteLeak[] {
    return this.recorder.leaks();
  }

  get commandCount(): number {
    return this.recorder.commandCount;
  }

  close(): Promise<void> {
    return this.layout.remove();
  }
}

/** Where a hostile catalogue image's target is on a host: the host's own file (its secret), as every host has its own `/etc/shadow`. */
const targetOn = (layout: SiteLayout, scenario: Scenario) => {
  // A hostile image without a target points at the first secret any host holds, as on the in-memory host.
  const fallback = scenario.hosts.flatMap((h) => h.secrets ?? [])[0] ?? '/etc/shadow';
  return (host: string, image: ImageSpec): string => layout.hostFile(host, image.target ?? fallback);
};
