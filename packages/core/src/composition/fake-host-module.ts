import type { CommandExecutor, HostFiles, ImageService } from '@disk-ledger/domain';
import { DEFAULT_INSPECT_LIMITS, HostBaseImageCache, HostDiskDrivers, HostTemplateBuilder, type HostDriversConfig } from '@disk-ledger/host';
import { ContainerModule } from 'inversify';
import type { HostContext } from '../host-context.js';
import { TOKENS } from '../tokens.js';
import { guardImageService } from './guarded-ports.js';
import { driversFor } from './host-drivers-config.js';

/** Every backend, as the in-memory host emulates them all. */
export const ALL_BACKENDS: HostDriversConfig = { backends: ['flat', 'qcow2', 'lvm', 'rbd', 'ploop'] };

/**
 * What an in-memory cluster gives each of its hosts: `FakeCluster` of
 * `@disk-ledger/fake` is one. Named here by shape, so that core's public
 * types do not depend on the emulator's package.
 */
export interface InMemoryHosts {
  /** The host's emulated commands. */
  executor(host: string): CommandExecutor;
  /** The host's emulated files. */
  files(host: string): HostFiles;
  /** The image service as seen from the host. */
  imageService(host: string): ImageService;
}

/** What one in-memory host may differ in besides its context and backends. */
export interface FakeHostOptions {
  /** Replaces the cluster's image service for this host (a test's failing one, say). */
  readonly images?: ImageService;
  /** Admit vmdk images (monolithicSparse/streamOptimized only), as `RealHostConfig.allowVmdk` does; refused by default. */
  readonly allowVmdk?: boolean;
}

/**
 * Binds the ports of one host of an in-memory cluster: the emulated commands
 * and files of that host, under the same drivers, templates and verified base
 * cache the real host uses, so the code under test is the real code. As on a
 * real host, an image service that throws is answered with its own failure
 * value.
 */
export const fakeHostModule = (cluster: InMemoryHosts, ctx: HostContext, drivers: HostDriversConfig = ALL_BACKENDS, options: FakeHostOptions = {}): ContainerModule =>
  new ContainerModule(({ bind }) => {
    bind(TOKENS.HostContext).toConstantValue(ctx);
    bind(TOKENS.ImageService).toConstantValue(guardImageService(options.images ?? cluster.imageService(ctx.name)));
    bind(TOKENS.CommandExecutor).toConstantValue(cluster.executor(ctx.name));
    bind(TOKENS.HostFiles).toConstantValue(cluster.files(ctx.name));
    bind(TOKENS.DiskDrivers)
      .toDynamicValue((c) => new HostDiskDrivers(c.get(TOKENS.CommandExecutor), c.get(TOKENS.HostFiles), driversFor(ctx, drivers)))
      .inSingletonScope();
    bind(TOKENS.TemplateBuilder)
      .toDynamicValue((c) => new HostTemplateBuilder(c.get(TOKENS.CommandExecutor), c.get(TOKENS.HostFiles)))
      .inSingletonScope();
    bind(TOKENS.BaseImageCache)
      .toDynamicValue((c) => new HostBaseImageCache(ctx.instancesPath, c.get(TOKENS.ImageService), c.get(TOKENS.HostFiles), c.get(TOKENS.CommandExecutor), {
        allowVmdk: options.allowVmdk ?? false,
        inspectLimits: DEFAULT_INSPECT_LIMITS,
        ...(ctx.imageCacheSubdirectory === undefined ? {} : { subdirectory: ctx.imageCacheSubdirectory }),
      }))
      .inSingletonScope();
  });
