import 'reflect-metadata';
import { hostNameRefused, isHostName, volumeName, type BlockDeviceMappingRepository, type ConfigDriveContents, type DiskTransfer, type ImageService } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { Container, type ContainerModule } from 'inversify';
import type { HostContext } from '../host-context.js';
import { unknownHost, type HostRegistry, type HostServices, type UnknownHost } from '../lifecycle/host-registry.js';
import { InstanceLifecycle } from '../lifecycle/instance-lifecycle.js';
import { LIFECYCLE_TOKENS } from '../lifecycle/lifecycle-tokens.js';
import { DiskRealizer } from '../services/disk-realizer.js';
import { ImageBackend } from '../services/image-backend.js';
import { InstanceLocks } from '../services/instance-locks.js';
import { LegacyAdoption } from '../services/legacy-adoption.js';
import { DiskMetadataService } from '../services/metadata-service.js';
import { OnlineMigration } from '../services/online-migration.js';
import { TOKENS } from '../tokens.js';
import { hostServicesModule } from './core-services-module.js';
import { guardConfigDrives, guardImageService, guardRepository, guardTransfer, noConfigDrives } from './guarded-ports.js';

/**
 * The shared parts of a fleet: one repository, one image service, one way to
 * move files between hosts, and where config drives' files come from. Each
 * should return its failures as values; one that throws or rejects instead
 * is answered with its own failure value (`REPOSITORY_FAILED` or
 * `IMAGE_SERVICE_FAILED`, whose `path` names the method; `FS_ERROR` for a
 * copy; `CONFIG_DRIVE_CONTENTS_UNAVAILABLE` for the drive), whose `cause` is
 * what was thrown, so the operation's clean-ups still run.
 */
export interface FleetPorts {
  /** Where instances, their block device mappings and the records live (nova's database). */
  readonly repository: BlockDeviceMappingRepository;
  /** The image service every host downloads images from and uploads snapshots to. */
  readonly images: ImageService;
  /** How a move copies a disk's staged file from one host to another. */
  readonly transfer: DiskTransfer;
  /**
   * The files of an instance's config drive, for a drive built without being
   * given them: a boot without `configFiles`, an unshelve or an evacuation
   * that makes the drive anew, a hard reboot that finds it gone. Without it,
   * such a drive is refused (`CONFIG_DRIVE_CONTENTS_UNAVAILABLE`), never
   * built empty: an instance with a config drive then unshelves, or
   * evacuates off a host's own disks, only once one is bound.
   */
  readonly configDrives?: ConfigDriveContents;
}

const sameContext = (a: HostContext, b: HostContext): boolean =>
  a === b ||
  (a.name === b.name && a.instancesPath === b.instancesPath && a.imageCacheSubdirectory === b.imageCacheSubdirectory && JSON.stringify(a.options) === JSON.stringify(b.options));

/**
 * The composition root of a fleet of compute hosts: a parent container with
 * the shared ports and the fleet-wide services, and one child container per
 * host with that host's adapters and services. Hosts can be replaced (an
 * operator reconfiguring a host gets a new context), never mutated.
 */
export class Fleet implements HostRegistry {
  /** The parent inversify container (shared ports and fleet-wide services), for an integrator binding more of its own. */
  readonly root: Container;
  private readonly hosts = new Map<string, Container>();
  private readonly resolved = new Map<string, HostServices>();

  constructor(ports: FleetPorts) {
    this.root = new Container({ defaultScope: 'Singleton' });
    // A port that throws instead of returning its failure gets that failure as a value (guarded-ports.ts).
    this.root.bind(TOKENS.Repository).toConstantValue(guardRepository(ports.repository));
    this.root.bind(TOKENS.ImageService).toConstantValue(guardImageService(ports.images));
    this.root.bind(LIFECYCLE_TOKENS.DiskTransfer).toConstantValue(guardTransfer(ports.transfer));
    this.root.bind(TOKENS.ConfigDriveContents).toConstantValue(ports.configDrives === undefined ? noConfigDrives : guardConfigDrives(ports.configDrives));
    this.root.bind(LIFECYCLE_TOKENS.HostRegistry).toConstantValue(this);
    this.root.bind(InstanceLocks).toSelf();
    this.root.bind(DiskMetadataService).toSelf();
    this.root.bind(InstanceLifecycle).toSelf();
    this.root.bind(OnlineMigration).toSelf();
  }

  /**
   * Add (or replace) a host, given the container module binding its
   * adapters (`realHostModule({ ctx, … })` or `fakeHostModule(…)`), which
   * must have been made for this same `ctx`: the fleet finds the host by
   * `ctx.name`, its services act with the module's context. Adapters made
   * for another host, or a name no repository can hold ({@link isHostName}),
   * are a caller's bug, so this throws (`TypeError`).
   */
  setHost(ctx: HostContext, adapters: ContainerModule): void {
    // Checked here, not at the first spawn: every repository refuses such a name, and the refusal would say REPOSITORY_FAILED.
    if (!isHostName(ctx.name)) throw new TypeError(`Fleet.setHost: ${hostNameRefused('a host of the fleet', ctx.name).message}`);
    const child = new Container({ parent: this.root, defaultScope: 'Singleton' });
    child.load(adapters, hostServicesModule);
    const sub = ctx.imageCacheSubdirectory;
    if (sub !== undefined && E.isLeft(volumeName(String(sub)))) throw new TypeError(`Fleet.setHost: host ${JSON.stringify(ctx.name)}: the image cache subdirectory ${JSON.stringify(sub)} is not one directory name`);
    const bound = child.get(TOKENS.HostContext);
    if (!sameContext(bound, ctx)) {
      throw new TypeError(`Fleet.setHost: the adapters given for host ${JSON.stringify(ctx.name)} were made for ${JSON.stringify(bound.name)} at ${bound.instancesPath}; make them with the same context`);
    }
    this.hosts.set(ctx.name, child);
    this.resolved.delete(ctx.name);
  }

  /** Names of the hosts. */
  hostNames(): readonly string[] {
    return [...this.hosts.keys()];
  }

  /** A host's services (resolved once, then kept), or `UNKNOWN_HOST`. */
  get(host: string): E.Either<UnknownHost, HostServices> {
    const cached = this.resolved.get(host);
    if (cached !== undefined) return E.right(cached);
    const c = this.hosts.get(host);
    if (c === undefined) return E.left(unknownHost(host));
    const services: HostServices = {
      ctx: c.get<HostContext>(TOKENS.HostContext),
      backend: c.get(ImageBackend),
      realizer: c.get(DiskRealizer),
      adoption: c.get(LegacyAdoption),
      files: c.get(TOKENS.HostFiles),
      images: c.get(TOKENS.ImageService),
    };
    this.resolved.set(host, services);
    return E.right(services);
  }

  /** The lifecycle operations over this fleet. */
  lifecycle(): InstanceLifecycle {
    return this.root.get(InstanceLifecycle);
  }

  /** The online data migration over this fleet. */
  onlineMigration(): OnlineMigration {
    return this.root.get(OnlineMigration);
  }
}
