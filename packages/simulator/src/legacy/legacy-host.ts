/**
 * One compute host as the classic driver reaches it: argvs through the
 * host's command executor, files through its file operations, images through
 * its image service, and the host's storage options as they are *today*
 * (the classic driver re-reads them on every operation; nothing remembers
 * what they were when a disk was made). Expected failures are values with a
 * stable code; an injected crash or a down host rejects and is never caught.
 */
import type { Argv, CommandExecutor, HostFiles, HostPath, HostStorageOptions, ImageService } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import type { SimWorld } from '../world/sim-world.js';

// ---- types

/** Why a classic-driver operation failed: a stable code (nova's, or the tool's) and a message. */
export interface Failure {
  readonly code: string;
  readonly message: string;
}

/** A multi-step flow's result; flows are async functions that return early on the first `Left`. */
export type Result<A> = Promise<E.Either<Failure, A>>;

// ---- constructors

/** A failure value. */
export const failure = (code: string, message: string): E.Either<Failure, never> => E.left({ code, message });

// ---- the host

/** The ports of one host, as the classic driver uses them. */
export class LegacyHost {
  readonly exec: CommandExecutor;
  readonly files: HostFiles;
  readonly images: ImageService;
  /** nova's `instances_path` on this host. */
  readonly instancesPath: HostPath;

  constructor(
    private readonly world: SimWorld,
    readonly name: string,
  ) {
    this.exec = world.site.executor(name);
    this.files = world.site.files(name);
    this.images = world.site.imageService(name);
    this.instancesPath = world.site.instancesPath(name);
  }

  /** The host's options now; a host the world does not know is a broken invariant. */
  get options(): HostStorageOptions {
    const o = this.world.options.get(this.name);
    if (o === undefined) throw new Error(`unreachable: no options for host ${this.name}`);
    return o;
  }

  /** Run one argv; its stdout, or the command's error (`COMMAND_FAILED`, …). */
  async run(argv: Argv): Result<string> {
    return E.map((r: { readonly stdout: string }) => r.stdout)(await this.exec.run({ argv })());
  }

  /** Whether anything exists at `path`. */
  exists(path: HostPath): Result<boolean> {
    return this.files.exists(path)();
  }

  /** Remove a file or directory tree (absent is fine). */
  remove(path: HostPath): Result<void> {
    return this.files.remove(path)();
  }

  /** Create a directory and its parents. */
  mkdirp(path: HostPath): Result<void> {
    return this.files.mkdirp(path)();
  }
}
