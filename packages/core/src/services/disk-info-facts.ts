import {
  decodeDiskInfo,
  instanceDir,
  type DiskInfo,
  type DiskInfoCorrupt,
  type FileSystemError,
  type HostFiles,
  type HostPath,
  type HostStorageOptions,
  type InstanceId,
  type LegacyHostFacts,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { inject, injectable } from 'inversify';
import type { HostContext } from '../host-context.js';
import { TOKENS } from '../tokens.js';

/**
 * Legacy facts as the classic driver left them on a host: today's options
 * and `<instances_path>/<instance>/disk.info`, read through `HostFiles`.
 */
@injectable()
export class DiskInfoFacts implements LegacyHostFacts {
  constructor(
    @inject(TOKENS.HostContext) private readonly ctx: HostContext,
    @inject(TOKENS.HostFiles) private readonly files: HostFiles,
  ) {}

  options(): HostStorageOptions {
    return this.ctx.options;
  }

  diskInfo(instance: InstanceId): TE.TaskEither<DiskInfoCorrupt | FileSystemError, DiskInfo | null> {
    const path = `${instanceDir(this.ctx.instancesPath, instance)}/disk.info` as HostPath;
    return async () => {
      const text = await this.files.readText(path)();
      if (E.isRight(text)) return decodeDiskInfo(text.right, path);
      return text.left.code === 'FS_NOT_FOUND' ? E.right(null) : text;
    };
  }
}
