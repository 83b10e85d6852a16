/**
 * The simulator's own look at real disks, outside the hosts' counted
 * executors: what a VM that opens a disk with a format shows its guest, the
 * bytes a file holds, what `qemu-img info` says with the format named, and
 * the guest's own writes. Every argv here names its format; a VM following
 * a backing file or a data file the disk names is exactly what is observed.
 *
 * Views are read by `qemu-img convert -O qcow2` into a scratch file: zeros
 * stay unallocated, so a sparse 4 GiB disk yields the few clusters that
 * hold data, which are then searched in memory.
 */
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { decodeQemuImgInfo, showArgv, type Argv, type CommandExecutor, type HostPath, type ResourceLimits } from '@disk-ledger/domain';
import { DEFAULT_INSPECT_LIMITS, type QemuFormat } from '@disk-ledger/host';
import * as E from 'fp-ts/lib/Either.js';

/** A format name qemu takes on its command line. */
export type QemuName = QemuFormat;

/** What `qemu-img info -f <fmt>` says about an image. */
export interface ImageFacts {
  readonly virtualSize: number;
  /** The backing file the image names, and the format stored for it (`null`: qemu would detect it). */
  readonly backing: { readonly file: string; readonly format: string | null } | null;
}

/** Why the observer could not look: qemu-img's message. */
export type ObserverResult<A> = E.Either<string, A>;

export class QemuObserver {
  private counter = 0;

  constructor(
    private readonly exec: CommandExecutor,
    private readonly scratchDir: HostPath,
  ) {}

  private scratch(suffix: string): string {
    this.counter += 1;
    return `${this.scratchDir}/${this.counter}.${suffix}`;
  }

  private async run(argv: Argv, limits?: ResourceLimits): Promise<ObserverResult<string>> {
    const r = await this.exec.run(limits === undefined ? { argv } : { argv, limits })();
    return E.isLeft(r) ? E.left(r.left.message) : E.right(r.right.stdout);
  }

  /** What a guest of `qpath`, opened as `format`, sees: its data, compacted (holes and zeros dropped). */
  async view(qpath: string, format: QemuName): Promise<ObserverResult<Buffer>> {
    const out = this.scratch('qcow2');
    try {
      const r = await this.run(['qemu-img', 'convert', '-f', format, '-O', 'qcow2', qpath, out]);
      return E.isLeft(r) ? r : E.right(await readFile(out));
    } finally {
      await rm(out, { force: true });
    }
  }

  /** The bytes a file holds as stored, compacted: what an image service keeps of an upload. */
  stored(path: string): Promise<ObserverResult<Buffer>> {
    return this.view(path, 'raw');
  }

  /** `qemu-img info -f <format> --output=json`, decoded. */
  async info(qpath: string, format: QemuName): Promise<ObserverResult<ImageFacts>> {
    const argv: Argv = ['qemu-img', 'info', '-f', format, '--output=json', qpath];
    // A guest's disk may hold any header: bounded as the library bounds its own inspections.
    const out = await this.run(argv, DEFAULT_INSPECT_LIMITS);
    if (E.isLeft(out)) return out;
    const info = decodeQemuImgInfo(out.right);
    if (E.isLeft(info)) return E.left(`${showArgv(argv)}: ${info.left.message}`);
    const file = info.right['backing-filename'];
    return E.right({
      virtualSize: info.right['virtual-size'],
      backing: file === undefined ? null : { file, format: info.right['backing-filename-format'] ?? null },
    });
  }

  /** A new, empty image of `format` (for formats the domain has no byte builder for). */
  async create(path: string, format: QemuName, size: number): Promise<ObserverResult<void>> {
    return E.map(() => undefined)(await this.run(['qemu-img', 'create', '-f', format, path, String(size)]));
  }

  /**
   * The guest writes `bytes` at offset 0 of what it sees: straight into a
   * raw disk's file, through the container (qemu-io, format named) otherwise.
   */
  async writeAtZero(qpath: string, format: QemuName, bytes: Uint8Array): Promise<ObserverResult<void>> {
    if (format === 'raw') {
      try {
        const file = await open(qpath, 'r+');
        try {
          await file.write(bytes, 0, bytes.length, 0);
        } finally {
          await file.close();
        }
        return E.right(undefined);
      } catch (e) {
        return E.left(`cannot write into ${qpath}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const data = this.scratch('bin');
    try {
      await writeFile(data, bytes);
      const r = await this.run(['qemu-io', '-f', format, '-c', `write -q -s ${data} 0 ${bytes.length}`, qpath]);
      return E.map(() => undefined)(r);
    } finally {
      await rm(data, { force: true });
    }
  }
}
