import type {
  BaseImageCache,
  BlockDeviceMappingRepository,
  CommandExecutor,
  ConfigDriveContents,
  DiskDrivers,
  HostFiles,
  ImageService,
  LegacyHostFacts,
  TemplateBuilder,
} from '@disk-ledger/domain';
import type { ServiceIdentifier } from 'inversify';
import type { HostContext } from './host-context.js';

/**
 * Injection tokens, one per port. Only the composition root binds them to
 * adapters; services receive them through `@inject(TOKEN)` on every
 * constructor parameter (no decorator metadata is emitted by tsx/esbuild).
 */
export const TOKENS = {
  HostContext: Symbol.for('disk-ledger.HostContext') as ServiceIdentifier<HostContext>,
  Repository: Symbol.for('disk-ledger.BlockDeviceMappingRepository') as ServiceIdentifier<BlockDeviceMappingRepository>,
  CommandExecutor: Symbol.for('disk-ledger.CommandExecutor') as ServiceIdentifier<CommandExecutor>,
  HostFiles: Symbol.for('disk-ledger.HostFiles') as ServiceIdentifier<HostFiles>,
  DiskDrivers: Symbol.for('disk-ledger.DiskDrivers') as ServiceIdentifier<DiskDrivers>,
  TemplateBuilder: Symbol.for('disk-ledger.TemplateBuilder') as ServiceIdentifier<TemplateBuilder>,
  ImageService: Symbol.for('disk-ledger.ImageService') as ServiceIdentifier<ImageService>,
  BaseImageCache: Symbol.for('disk-ledger.BaseImageCache') as ServiceIdentifier<BaseImageCache>,
  LegacyHostFacts: Symbol.for('disk-ledger.LegacyHostFacts') as ServiceIdentifier<LegacyHostFacts>,
  ConfigDriveContents: Symbol.for('disk-ledger.ConfigDriveContents') as ServiceIdentifier<ConfigDriveContents>,
} as const;

