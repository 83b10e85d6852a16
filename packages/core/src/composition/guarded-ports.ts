/**
 * The ports an integrator writes (nova's database, the image service, the
 * copy between hosts) are promised to return their failures as values. One
 * that throws or rejects instead (a network error its author did not catch)
 * would make the operation's promise reject part-way, past the clean-ups
 * that run on a `Left` (a half-downloaded `.part` file, a staged copy). The
 * composition root wraps each such port so that a throw becomes that port's
 * own failure value, naming the port and the method, with the thrown value
 * as its `cause`.
 */
import {
  configDriveContentsUnavailable,
  isHostDeath,
  type Argv,
  type BlockDeviceMappingRepository,
  type CommandExecutor,
  type ConfigDriveContents,
  type ConfigDriveFile,
  type ConfigDriveContentsUnavailable,
  type DiskTransfer,
  type ExecutorFailed,
  type FileSystemError,
  type HostFiles,
  type HostPath,
  type ImageService,
  type ImageServiceFailed,
  type RepositoryFailed,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

/** The port's own failure for a throw of `method`. */
type Failure<L> = (where: string, message: string, cause: unknown) => L;

const describe = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown));

/**
 * `task()` run so that a throw, synchronous or as a rejection, is
 * `failure`'s value; a throw marked as the host's death is not a failure
 * to return, and goes on (`isHostDeath`).
 */
const caught =
  <L, A>(port: string, method: string, failure: Failure<L>, task: () => TE.TaskEither<L, A>): TE.TaskEither<L, A> =>
  async () => {
    try {
      return await task()();
    } catch (thrown) {
      if (isHostDeath(thrown)) throw thrown;
      const where = `${port}.${method}`;
      return E.left(failure(where, `${where} threw instead of returning its failure: ${describe(thrown)}`, thrown));
    }
  };

const GUARDED: unique symbol = Symbol('disk-ledger.guarded');
type Guarded = { readonly [GUARDED]: true };
const isGuarded = (port: object): boolean => GUARDED in port;

const repositoryFailed: Failure<RepositoryFailed> = (where, message, cause) => ({ _tag: 'RepositoryFailed', code: 'REPOSITORY_FAILED', message, path: where, cause });
const imageServiceFailed: Failure<ImageServiceFailed> = (where, message, cause) => ({ _tag: 'ImageServiceFailed', code: 'IMAGE_SERVICE_FAILED', message, path: where, cause });
const executorFailed =
  (argv: Argv): Failure<ExecutorFailed> =>
  (where, message, cause) => ({ _tag: 'ExecutorFailed', code: 'EXECUTOR_FAILED', message, path: where, argv, cause });
/** `FS_ERROR` for the file `to` (a copy's destination, a file operation's path). */
const fsFailed =
  (to: HostPath): Failure<FileSystemError> =>
  (_where, message, cause) => ({ _tag: 'FileSystemError', code: 'FS_ERROR', message, path: to, cause });

/** `repository` with every throw turned into a `REPOSITORY_FAILED` naming the method (`path`). */
export const guardRepository = (repository: BlockDeviceMappingRepository): BlockDeviceMappingRepository => {
  if (isGuarded(repository)) return repository;
  const r = repository;
  const guard = <L, A>(method: string, task: () => TE.TaskEither<L, A>): TE.TaskEither<L | RepositoryFailed, A> =>
    caught<L | RepositoryFailed, A>('BlockDeviceMappingRepository', method, repositoryFailed, task);
  const guarded: BlockDeviceMappingRepository & Guarded = {
    [GUARDED]: true,
    createInstance: (instance, host, disks, imageRef) => guard('createInstance', () => r.createInstance(instance, host, disks, imageRef)),
    getInstance: (instance) => guard('getInstance', () => r.getInstance(instance)),
    setHost: (instance, host) => guard('setHost', () => r.setHost(instance, host)),
    setImageRef: (instance, imageRef) => guard('setImageRef', () => r.setImageRef(instance, imageRef)),
    setMigration: (instance, migration) => guard('setMigration', () => r.setMigration(instance, migration)),
    listDisks: (instance) => guard('listDisks', () => r.listDisks(instance)),
    saveRecords: (instance, writes) => guard('saveRecords', () => r.saveRecords(instance, writes)),
    compareAndSetRecord: (instance, disk, driverInfo) => guard('compareAndSetRecord', () => r.compareAndSetRecord(instance, disk, driverInfo)),
    clearRecord: (instance, disk, driverInfo, options) => guard('clearRecord', () => r.clearRecord(instance, disk, driverInfo, options)),
    deleteInstance: (instance) => guard('deleteInstance', () => r.deleteInstance(instance)),
    listUnpopulated: (limit, options) => guard('listUnpopulated', () => r.listUnpopulated(limit, options)),
    fillUnpopulated: (writes) => guard('fillUnpopulated', () => r.fillUnpopulated(writes)),
  };
  return guarded;
};

/** `images` with every throw turned into an `IMAGE_SERVICE_FAILED` naming the method (`path`). */
export const guardImageService = (images: ImageService): ImageService => {
  if (isGuarded(images)) return images;
  const guard = <L, A>(method: string, task: () => TE.TaskEither<L, A>): TE.TaskEither<L | ImageServiceFailed, A> =>
    caught<L | ImageServiceFailed, A>('ImageService', method, imageServiceFailed, task);
  const guarded: ImageService & Guarded = {
    [GUARDED]: true,
    show: (id) => guard('show', () => images.show(id)),
    download: (id, dest) => guard('download', () => images.download(id, dest)),
    upload: (meta, src) => guard('upload', () => images.upload(meta, src)),
  };
  return guarded;
};

/**
 * `contents` with a throw, or an answer that is no list of files, turned
 * into the instance's `CONFIG_DRIVE_CONTENTS_UNAVAILABLE` (a throw's value
 * as `cause`).
 */
export const guardConfigDrives = (contents: ConfigDriveContents): ConfigDriveContents => {
  if (isGuarded(contents)) return contents;
  const guarded: ConfigDriveContents & Guarded = {
    [GUARDED]: true,
    files: (instance) => {
      const answered = caught<ConfigDriveContentsUnavailable, readonly ConfigDriveFile[]>('ConfigDriveContents', 'files', (_where, message, cause) => configDriveContentsUnavailable(instance, message, cause), () => contents.files(instance));
      return async () => {
        const files = await answered();
        // Its answer is checked as a caller's files are only once it is a list of them.
        return E.isRight(files) && !isFileList(files.right) ? E.left(configDriveContentsUnavailable(instance, 'ConfigDriveContents.files answered something that is not a list of { path, content } texts')) : files;
      };
    },
  };
  return guarded;
};

const isFileList = (u: unknown): u is readonly ConfigDriveFile[] =>
  Array.isArray(u) && u.every((f: unknown) => typeof f === 'object' && f !== null && 'path' in f && typeof f.path === 'string' && 'content' in f && typeof f.content === 'string');

/** The port of a fleet given none: every drive it would have to fill is refused, never built empty. */
export const noConfigDrives: ConfigDriveContents = {
  files: (instance) => TE.left(configDriveContentsUnavailable(instance, 'its files were not given and no ConfigDriveContents port is bound (FleetPorts.configDrives)')),
};

/** `transfer` with a throw turned into an `FS_ERROR` for the destination file. */
export const guardTransfer = (transfer: DiskTransfer): DiskTransfer => {
  if (isGuarded(transfer)) return transfer;
  const guarded: DiskTransfer & Guarded = {
    [GUARDED]: true,
    copyFile: (fromHost, from, toHost, to) => caught('DiskTransfer', 'copyFile', fsFailed(to), () => transfer.copyFile(fromHost, from, toHost, to)),
  };
  return guarded;
};

/**
 * `commands` with a throw turned into an `EXECUTOR_FAILED` naming the
 * method (`path`) and the argv. Whether the command ran is then unknown,
 * as after a timeout: the operation's clean-ups run as for any failure.
 */
export const guardExecutor = (commands: CommandExecutor): CommandExecutor => {
  if (isGuarded(commands)) return commands;
  const guarded: CommandExecutor & Guarded = {
    [GUARDED]: true,
    run: (spec) => caught('CommandExecutor', 'run', executorFailed(spec.argv), () => commands.run(spec)),
  };
  return guarded;
};

/**
 * `files` with a throw turned into an `FS_ERROR` for the path the call
 * names (`rename`, `replace`: the destination), the thrown value as `cause`.
 */
export const guardHostFiles = (files: HostFiles): HostFiles => {
  if (isGuarded(files)) return files;
  const guard = <A>(method: string, path: HostPath, task: () => TE.TaskEither<FileSystemError, A>): TE.TaskEither<FileSystemError, A> =>
    caught('HostFiles', method, fsFailed(path), task);
  const guarded: HostFiles & Guarded = {
    [GUARDED]: true,
    exists: (path) => guard('exists', path, () => files.exists(path)),
    mkdirp: (path) => guard('mkdirp', path, () => files.mkdirp(path)),
    readText: (path) => guard('readText', path, () => files.readText(path)),
    writeTextAtomic: (path, text) => guard('writeTextAtomic', path, () => files.writeTextAtomic(path, text)),
    readHead: (path, length) => guard('readHead', path, () => files.readHead(path, length)),
    rename: (from, to) => guard('rename', to, () => files.rename(from, to)),
    replace: (from, to) => guard('replace', to, () => files.replace(from, to)),
    remove: (path) => guard('remove', path, () => files.remove(path)),
    list: (path) => guard('list', path, () => files.list(path)),
    fileSize: (path) => guard('fileSize', path, () => files.fileSize(path)),
    entryKind: (path) => guard('entryKind', path, () => files.entryKind(path)),
  };
  return guarded;
};
