import { fileName, hostPath, type ByteSize, type DiskFunc, type HostFiles, type HostPath, type TemplateBuilder } from '@disk-ledger/domain';
import type * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { CoreError } from '../errors/core-error.js';
import { templateName } from './template-name.js';

/** Funcs whose output is shared between instances (everything but a config drive, which is per instance, and blank disks). */
export type SharedFunc = Exclude<DiskFunc, { kind: 'config-drive' } | { kind: 'blank' }>;

/**
 * Shared template disks in `<instances_path>/_base`: raw files a func made,
 * built once per (func, size). A template is built aside (`.part`) and
 * renamed into place, so one that exists is whole; a build a crash cut short
 * leaves only a `.part`, which the next build replaces. Builds of one
 * template in this process share one run, so racing disks never build it
 * twice.
 */
export class TemplateCache {
  private readonly inflight = new Map<string, Promise<E.Either<CoreError, HostPath>>>();

  constructor(
    private readonly instancesPath: HostPath,
    private readonly files: HostFiles,
    private readonly builder: TemplateBuilder,
  ) {}

  /** The template of `func` at `size`, built if needed. */
  ensure(func: SharedFunc, size: ByteSize): TE.TaskEither<CoreError, HostPath> {
    const name = templateName(func, size);
    return () => {
      const running = this.inflight.get(name);
      if (running !== undefined) return running;
      const started = this.build(name, func, size)().finally(() => this.inflight.delete(name));
      this.inflight.set(name, started);
      return started;
    };
  }

  private build(name: string, func: SharedFunc, size: ByteSize): TE.TaskEither<CoreError, HostPath> {
    return pipe(
      TE.Do,
      TE.apS('dir', TE.fromEither(hostPath(`${this.instancesPath}/_base`, 'instances_path'))),
      TE.bindW('name', () => TE.fromEither(fileName(name, 'template'))),
      TE.bindW('path', ({ dir, name: n }) => TE.right(`${dir}/${n}` as HostPath)),
      TE.bindW('part', ({ path }) => TE.right(`${path}.part` as HostPath)),
      TE.chainFirstW(({ dir }) => this.files.mkdirp(dir)),
      TE.bindW('exists', ({ path }) => this.files.exists(path)),
      TE.chainW(({ path, part, exists }) =>
        exists
          ? TE.right(path)
          : pipe(
              this.files.remove(part),
              TE.chainW(() => this.builder.build(func, part, size)),
              TE.chainW(() => this.files.rename(part, path)),
              TE.map(() => path),
            ),
      ),
    );
  }
}
