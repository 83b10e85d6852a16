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
import type {
  BlockDeviceMappingRepository,
  DiskTransfer,
  FileSystemError,
  HostPath,
  ImageService,
  ImageServiceFailed,
  RepositoryFailed,
} from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

/** The port's own failure for a throw of `method`. */
type Failure<L> = (where: string, message: string, cause: unknown) => L;

const describe = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown));

/** `task()` run so that a throw, synchronous or as a rejection, is `failure`'s value. */
const caught =
  <L, A>(port: string, method: string, failure: Failure<L>, task: () => TE.TaskEither<L, A>): TE.TaskEither<L, A> =>
  async () => {
    try {
      return await task()();
    } catch (thrown) {
      const where = `${port}.${method}`;
      return E.left(failure(where, `${where} threw instead of returning its failure: ${describe(thrown)}`, thrown));
    }
  };

const GUARDED: unique symbol = Symbol('disk-ledger.guarded');
type Guarded = { readonly [GUARDED]: true };
const isGuarded = (port: object): boolean => GUARDED in port;

const repositoryFailed: Failure<RepositoryFailed> = (where, message, cause) => ({ _tag: 'RepositoryFailed', code: 'REPOSITORY_FAILED', message, path: where, cause });
const imageServiceFailed: Failure<ImageServiceFailed> = (where, message, cause) => ({ _tag: 'ImageServiceFailed', code: 'IMAGE_SERVICE_FAILED', message, path: where, cause });
const transferFailed =
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

/** `transfer` with a throw turned into an `FS_ERROR` for the destination file. */
export const guardTransfer = (transfer: DiskTransfer): DiskTransfer => {
  if (isGuarded(transfer)) return transfer;
  const guarded: DiskTransfer & Guarded = {
    [GUARDED]: true,
    copyFile: (fromHost, from, toHost, to) => caught('DiskTransfer', 'copyFile', transferFailed(to), () => transfer.copyFile(fromHost, from, toHost, to)),
  };
  return guarded;
};
