import { hostBackend, type CommandExecutor, type ImageService } from '@disk-ledger/domain';
import {
  DEFAULT_INSPECT_LIMITS,
  ExecaCommandExecutor,
  HostBaseImageCache,
  HostDiskDrivers,
  HostTemplateBuilder,
  NodeHostFiles,
  type ExecaCommandExecutorOptions,
  type HostDriversConfig,
} from '@disk-ledger/host';
import { ContainerModule } from 'inversify';
import type { HostContext } from '../host-context.js';
import { TOKENS } from '../tokens.js';
import { guardExecutor, guardImageService } from './guarded-ports.js';
import { driversFor } from './host-drivers-config.js';

/** What a real compute host needs besides its services. */
export interface RealHostConfig {
  readonly ctx: HostContext;
  readonly drivers: HostDriversConfig;
  readonly images: ImageService;
  readonly executor?: ExecaCommandExecutorOptions;
  /**
   * Run the host's commands through this executor instead of execa (a
   * wrapper that counts or audits them, say); `executor` is then unused.
   * A throw from it becomes `EXECUTOR_FAILED` (see `guardExecutor`).
   */
  readonly commands?: CommandExecutor;
  /** Admit vmdk images (monolithicSparse/streamOptimized only); refused by default. */
  readonly allowVmdk?: boolean;
}

/**
 * Binds the ports of one real host: execa, node:fs, the host drivers,
 * templates and the verified base cache. Drivers that do not run the backend
 * the host's `images_type` names (where every new disk would go) are a
 * caller's bug, so this throws (`TypeError`) rather than let the host's
 * first disk fail.
 */
export const realHostModule = (config: RealHostConfig): ContainerModule => {
  const backend = hostBackend(config.ctx.options);
  if (!config.drivers.backends.includes(backend)) {
    throw new TypeError(`realHostModule: host ${JSON.stringify(config.ctx.name)} makes its disks on ${backend} (its images_type), but its drivers run ${config.drivers.backends.join(', ') || 'no backend'}`);
  }
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.HostContext).toConstantValue(config.ctx);
    bind(TOKENS.ImageService).toConstantValue(guardImageService(config.images));
    bind(TOKENS.CommandExecutor).toConstantValue(config.commands === undefined ? new ExecaCommandExecutor(config.executor) : guardExecutor(config.commands));
    bind(TOKENS.HostFiles).toConstantValue(new NodeHostFiles());
    bind(TOKENS.DiskDrivers)
      .toDynamicValue((c) => new HostDiskDrivers(c.get(TOKENS.CommandExecutor), c.get(TOKENS.HostFiles), driversFor(config.ctx, config.drivers)))
      .inSingletonScope();
    bind(TOKENS.TemplateBuilder)
      .toDynamicValue((c) => new HostTemplateBuilder(c.get(TOKENS.CommandExecutor), c.get(TOKENS.HostFiles)))
      .inSingletonScope();
    bind(TOKENS.BaseImageCache)
      .toDynamicValue(
        (c) =>
          new HostBaseImageCache(config.ctx.instancesPath, c.get(TOKENS.ImageService), c.get(TOKENS.HostFiles), c.get(TOKENS.CommandExecutor), {
            allowVmdk: config.allowVmdk ?? false,
            inspectLimits: DEFAULT_INSPECT_LIMITS,
            ...(config.ctx.imageCacheSubdirectory === undefined ? {} : { subdirectory: config.ctx.imageCacheSubdirectory }),
          }),
      )
      .inSingletonScope();
  });
};
