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
import type * as TE from 'fp-ts/lib/TaskEither.js';
import {
  byteSize,
  checkFunc,
  diskExists,
  hostPath,
  type Argv,
  type ByteSize,
  type CheckedFunc,
  type CommandExecutor,
  type DiskFunc,
  type HostFiles,
  type HostPath,
  type StagedFile,
  type StorageError,
  type TemplateBuilder,
} from '@disk-ledger/domain';
import * as Q from './qemu-img.js';
import { parentDir, withSuffix } from './qemu-path.js';

/** `mkfs` argv for a checked label (vfat names its label with `-n`, ext with `-L`, and ext needs `-F` on a plain file). */
export const mkfsArgv = (fsType: 'ext4' | 'ext3' | 'vfat', label: string, path: HostPath): Argv =>
  fsType === 'vfat' ? ['mkfs', '-t', 'vfat', '-n', label, path] : ['mkfs', '-t', fsType, '-F', '-L', label, path];

/** `genisoimage` argv for a config drive staged in `staging`. */
export const genisoimageArgv = (path: HostPath, staging: HostPath): Argv => [
  'genisoimage', '-o', path, '-ldots', '-allow-lowercase', '-allow-multidot', '-l',
  '-publisher', 'disk-ledger', '-quiet', '-J', '-r', '-V', 'config-2', staging,
];

type Ran<A> = Promise<E.Either<StorageError, A>>;

const DONE: E.Either<never, void> = E.right(undefined);

/** Builds template disks with host tools. */
export class HostTemplateBuilder implements TemplateBuilder {
  constructor(
    private readonly exec: CommandExecutor,
    private readonly files: HostFiles,
  ) {}

  build(func: DiskFunc, dest: HostPath, size: ByteSize): TE.TaskEither<StorageError, void> {
    return async () => {
      const f = checkFunc(func);
      if (E.isLeft(f)) return f;
      const path = hostPath(String(dest), 'dest');
      if (E.isLeft(path)) return path;
      const n = byteSize(size);
      if (E.isLeft(n)) return n;
      const there = await this.files.exists(path.right)();
      if (E.isLeft(there)) return there;
      if (there.right) return E.left(diskExists(path.right));
      const dir = await this.files.mkdirp(parentDir(path.right))();
      if (E.isLeft(dir)) return dir;
      const made = await this.make(f.right, path.right, n.right);
      if (E.isRight(made)) return made;
      // Nothing half-made stays; the build's error is the one reported.
      await this.files.remove(path.right)();
      return made;
    };
  }

  private async make(f: CheckedFunc, path: HostPath, size: ByteSize): Ran<void> {
    if (f.kind === 'config-drive') return this.configDrive(f.files, path, size);
    const raw = await this.run(Q.create({ qpath: path, format: 'raw' }, size));
    if (E.isLeft(raw)) return raw;
    switch (f.kind) {
      case 'blank':
        return raw;
      case 'swap':
        return this.run(['mkswap', path]);
      case 'filesystem':
        return this.run(mkfsArgv(f.fsType, f.label, path));
    }
  }

  /** Stage, build the ISO, pad it; the staging directory goes whatever happens. */
  private async configDrive(files: readonly StagedFile[], path: HostPath, size: ByteSize): Ran<void> {
    const staging = withSuffix(path, '.d');
    const built = await this.buildIso(files, path, size, staging);
    const cleanup = await this.files.remove(staging)();
    return E.isLeft(built) ? built : cleanup;
  }

  private async buildIso(files: readonly StagedFile[], path: HostPath, size: ByteSize, staging: HostPath): Ran<void> {
    const cleared = await this.files.remove(staging)();
    if (E.isLeft(cleared)) return cleared;
    const dir = await this.files.mkdirp(staging)();
    if (E.isLeft(dir)) return dir;
    const staged = await this.stage(staging, files);
    if (E.isLeft(staged)) return staged;
    const iso = await this.run(genisoimageArgv(path, staging));
    if (E.isLeft(iso)) return iso;
    return this.run(Q.resize({ qpath: path, format: 'raw' }, size));
  }

  private async stage(staging: HostPath, files: readonly StagedFile[]): Ran<void> {
    for (const f of files) {
      // Components were checked by `checkFunc`; re-checking the joined path keeps the staging tree closed.
      const target = hostPath(`${staging}/${f.components.join('/')}`, 'func.files');
      if (E.isLeft(target)) return target;
      const dir = await this.files.mkdirp(parentDir(target.right))();
      if (E.isLeft(dir)) return dir;
      const written = await this.files.writeTextAtomic(target.right, f.content)();
      if (E.isLeft(written)) return written;
    }
    return DONE;
  }

  private async run(argv: Argv): Ran<void> {
    const r = await this.exec.run({ argv })();
    return E.isLeft(r) ? r : DONE;
  }
}
