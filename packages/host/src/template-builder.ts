/**
 * Adapts the `TemplateBuilder` port to host tools (docs/commands.md): every
 * template is a raw file of the stated size. Blank: `qemu-img create -f raw`;
 * file system: then `mkfs -t <type>`; swap: then `mkswap`; config drive:
 * files staged under `<dest>.d/`, `genisoimage`, then
 * `qemu-img resize -f raw` pads the ISO to the size. Errors: bad labels,
 * paths or sizes → `InvalidName` / `InvalidSize` / `UnsupportedOperation`
 * with nothing run; an existing `dest` → `DiskExists`; tools →
 * `CommandError`; files → `FileSystemError`. A failed build removes `dest`
 * and the staging directory, so nothing half-made stays.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as A from 'fp-ts/lib/ReadonlyArray.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import {
  byteSize,
  diskExists,
  hostPath,
  type Argv,
  type ByteSize,
  type CommandExecutor,
  type DiskFunc,
  type HostFiles,
  type HostPath,
  type StorageError,
  type TemplateBuilder,
} from '@disk-ledger/domain';
import * as Q from './qemu-img.js';
import { parentDir, withSuffix } from './qemu-path.js';
import { checkFunc, type CheckedFunc, type StagedFile } from './template-input.js';

/** `mkfs` argv for a checked label (vfat names its label with `-n`, ext with `-L`, and ext needs `-F` on a plain file). */
export const mkfsArgv = (fsType: 'ext4' | 'ext3' | 'vfat', label: string, path: HostPath): Argv =>
  fsType === 'vfat' ? ['mkfs', '-t', 'vfat', '-n', label, path] : ['mkfs', '-t', fsType, '-F', '-L', label, path];

/** `genisoimage` argv for a config drive staged in `staging`. */
export const genisoimageArgv = (path: HostPath, staging: HostPath): Argv => [
  'genisoimage', '-o', path, '-ldots', '-allow-lowercase', '-allow-multidot', '-l',
  '-publisher', 'disk-ledger', '-quiet', '-J', '-r', '-V', 'config-2', staging,
];

/** Builds template disks with host tools. */
export class HostTemplateBuilder implements TemplateBuilder {
  constructor(
    private readonly exec: CommandExecutor,
    private readonly files: HostFiles,
  ) {}

  build(func: DiskFunc, dest: HostPath, size: ByteSize): TE.TaskEither<StorageError, void> {
    return pipe(
      TE.fromEither(
        pipe(
          checkFunc(func),
          E.bindTo('f'),
          E.apSW('path', hostPath(String(dest), 'dest')),
          E.apSW('n', byteSize(size)),
        ),
      ),
      TE.chainFirst(({ path }) =>
        pipe(
          this.files.exists(path),
          TE.chainW((there): TE.TaskEither<StorageError, void> => (there ? TE.left(diskExists(path)) : TE.right(undefined))),
        ),
      ),
      TE.chainFirstW(({ path }) => this.files.mkdirp(parentDir(path))),
      TE.chain(({ f, path, n }) =>
        pipe(
          this.make(f, path, n),
          TE.orElse((e) => pipe(this.files.remove(path), TE.foldW(() => TE.left(e), () => TE.left(e)))),
        ),
      ),
    );
  }

  private make(f: CheckedFunc, path: HostPath, size: ByteSize): TE.TaskEither<StorageError, void> {
    const raw = (): TE.TaskEither<StorageError, void> => this.run(Q.create({ qpath: path, format: 'raw' }, size));
    switch (f.kind) {
      case 'blank':
        return raw();
      case 'swap':
        return pipe(raw(), TE.chain(() => this.run(['mkswap', path])));
      case 'filesystem':
        return pipe(raw(), TE.chain(() => this.run(mkfsArgv(f.fsType, f.label, path))));
      case 'config-drive':
        return this.configDrive(f.files, path, size);
    }
  }

  /** Stage, build the ISO, pad it; the staging directory goes whatever happens. */
  private configDrive(files: readonly StagedFile[], path: HostPath, size: ByteSize): TE.TaskEither<StorageError, void> {
    const staging = withSuffix(path, '.d');
    const cleanup = this.files.remove(staging);
    return pipe(
      cleanup,
      TE.chain(() => this.files.mkdirp(staging)),
      TE.chainW(() => this.stage(staging, files)),
      TE.chain(() => this.run(genisoimageArgv(path, staging))),
      TE.chain(() => this.run(Q.resize({ qpath: path, format: 'raw' }, size))),
      TE.foldW(
        (e) => pipe(cleanup, TE.foldW(() => TE.left(e), () => TE.left(e))),
        () => cleanup,
      ),
    );
  }

  private stage(staging: HostPath, files: readonly StagedFile[]): TE.TaskEither<StorageError, void> {
    return pipe(
      files,
      A.traverse(TE.ApplicativeSeq)((f) => {
        // Components were checked by `checkFunc`; re-checking the joined path keeps the staging tree closed.
        const target = hostPath(`${staging}/${f.components.join('/')}`, 'func.files');
        return pipe(
          TE.fromEither(target),
          TE.chainW((p) => pipe(this.files.mkdirp(parentDir(p)), TE.chain(() => this.files.writeTextAtomic(p, f.content)))),
        );
      }),
      TE.map(() => undefined),
    );
  }

  private run(argv: Argv): TE.TaskEither<StorageError, void> {
    return pipe(this.exec.run({ argv }), TE.map(() => undefined));
  }
}
