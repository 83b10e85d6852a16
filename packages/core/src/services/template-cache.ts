import { fileName, hostPath, type ByteSize, type DiskFunc, type HostFiles, type HostPath, type TemplateBuilder } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { CoreError } from '../errors/core-error.js';
import { templateName } from './template-name.js';

/** Funcs whose output is shared between instances (everything but a config drive, which is per instance, and blank disks). */
export type SharedFunc = Exclude<DiskFunc, { kind: 'config-drive' } | { kind: 'blank' }>;

/**
 * Shared template disks in the base-image cache (`<instances_path>/_base` by default): raw files a func made,
 * built once per (func, size). A template is built aside (`.part`) and
 * renamed into place, so one that exists is whole; a build a crash cut short
 * leaves only a `.part`, which the next build replaces. Builds of one
 * template in this process share one run, so racing disks never build it
 * twice.
 */
export class TemplateCache {
  private readonly inflight = new Map<string, Promise<E.Either<CoreError, HostPath>>>();

  constructor(
    /** The host's base-image cache directory, where templates live beside the images' entries. */
    private readonly cacheDir: HostPath,
    private readonly files: HostFiles,
    private readonly builder: TemplateBuilder,
  ) {}

  /** The template of `func` at `size`, built if needed. */
  ensure(func: SharedFunc, size: ByteSize): TE.TaskEither<CoreError, HostPath> {
    const name = templateName(func, size);
    return () => {
      const running = this.inflight.get(name);
      if (running !== undefined) return running;
      const started = this.build(name, func, size).finally(() => this.inflight.delete(name));
      this.inflight.set(name, started);
      return started;
    };
  }

  private async build(name: string, func: SharedFunc, size: ByteSize): Promise<E.Either<CoreError, HostPath>> {
    const dir = hostPath(this.cacheDir, 'image cache directory');
    if (E.isLeft(dir)) return dir;
    const checked = fileName(name, 'template');
    if (E.isLeft(checked)) return checked;
    const path = `${dir.right}/${checked.right}` as HostPath;
    const part = `${path}.part` as HostPath;
    const made = await this.files.mkdirp(dir.right)();
    if (E.isLeft(made)) return made;
    const exists = await this.files.exists(path)();
    if (E.isLeft(exists)) return exists;
    if (exists.right) return E.right(path);
    const cleared = await this.files.remove(part)();
    if (E.isLeft(cleared)) return cleared;
    const built = await this.builder.build(func, part, size)();
    if (E.isLeft(built)) return built;
    const renamed = await this.files.rename(part, path)();
    return E.isLeft(renamed) ? renamed : E.right(path);
  }
}
