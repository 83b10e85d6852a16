/**
 * Where a real replay keeps everything, under one temporary root:
 *
 *     <root>/hosts/<host>/instances      the host's instances_path
 *     <root>/hosts/<host>/fs/<path>      the host's own files (its secrets)
 *     <root>/images/…                    the image service's store
 *     <root>/scratch/…                   the observer's throw-away copies
 *
 * All hosts share one machine, so a path the scenario names on a host
 * (`/etc/shadow`, a file under nova's instances path) is mapped to that
 * host's directory, and mapped back for reports so that they read as the
 * in-memory host's do.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileName, hostPath, type HostPath } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { INSTANCES_PATH } from '../world/nova-paths.js';
import { guarded, guardRoots, released } from './temp-roots.js';

/** The temporary root is not a path the host adapters accept (an odd `TMPDIR`). */
export interface LayoutUnusable {
  readonly code: 'REAL_HOST_UNAVAILABLE';
  readonly message: string;
}

/** The directory tree of one real replay. */
export class SiteLayout {
  private constructor(readonly root: HostPath) {}

  /** Make a fresh root under the system's temporary directory. */
  static async create(): Promise<E.Either<LayoutUnusable, SiteLayout>> {
    guardRoots();
    const parent = tmpdir();
    let dir: string;
    try {
      dir = await mkdtemp(join(parent, 'disk-ledger-real-'));
    } catch (e) {
      // A TMPDIR that is missing, a file, full or read-only is the machine's state, not a bug.
      return E.left({ code: 'REAL_HOST_UNAVAILABLE', message: `cannot make a temporary directory in ${parent} (set TMPDIR to a writable directory): ${e instanceof Error ? e.message : String(e)}` });
    }
    guarded(dir);
    const checked = hostPath(dir, 'temporary directory');
    if (E.isLeft(checked)) {
      await rm(dir, { recursive: true, force: true });
      released(dir);
      return E.left({ code: 'REAL_HOST_UNAVAILABLE', message: `the temporary directory ${dir} is not a path the host adapters accept: ${checked.left.message}` });
    }
    return E.right(new SiteLayout(checked.right));
  }

  /** A layout over an existing directory (tests). */
  static at(root: HostPath): SiteLayout {
    return new SiteLayout(root);
  }

  private hostDir(host: string): string {
    // Host names were checked to be file names before the site was opened.
    if (E.isLeft(fileName(host))) throw new Error(`unreachable: host name ${JSON.stringify(host)} was not checked`);
    return `${this.root}/hosts/${host}`;
  }

  /** The host's `instances_path`. */
  instancesPath(host: string): HostPath {
    return `${this.hostDir(host)}/instances` as HostPath;
  }

  /** The host's own file system, where its absolute paths live. */
  private fsRoot(host: string): string {
    return `${this.hostDir(host)}/fs`;
  }

  /**
   * Where a path named on `host` is on this machine: nova's instances path
   * becomes the host's, any other absolute path goes under the host's file
   * system (normalised first, so `..` cannot climb out); a relative name is
   * left as it is (qemu resolves it beside the image that names it).
   */
  hostFile(host: string, path: string): string {
    if (!path.startsWith('/')) return path;
    const p = posix.normalize(path);
    if (p === INSTANCES_PATH || p.startsWith(`${INSTANCES_PATH}/`)) return `${this.instancesPath(host)}${p.slice(INSTANCES_PATH.length)}`;
    return `${this.fsRoot(host)}${p}`;
  }

  /**
   * `text` with every host directory written the way the in-memory host
   * names it, and the rest of the temporary root (the image store, the
   * observer's scratch files) as `<images>`, `<scratch>` or `<replay>`: a
   * report never shows where a run happened to live.
   */
  virtual(text: string): string {
    if (!text.includes(this.root)) return text;
    const hosts = `${this.root}/hosts/`;
    return text
      .replace(new RegExp(`${escape(hosts)}[^/\\s]+/(instances|fs)`, 'g'), (_m, kind: string) => (kind === 'instances' ? INSTANCES_PATH : ''))
      .replace(new RegExp(`${escape(this.root)}(/(images|scratch)(?=[/\\s'"]|$))?`, 'g'), (_m, _sub: string | undefined, dir: string | undefined) => `<${dir ?? 'replay'}>`);
  }

  /** The image service's store. */
  get imagesDir(): HostPath {
    return `${this.root}/images` as HostPath;
  }

  /** The observer's scratch directory. */
  get scratchDir(): HostPath {
    return `${this.root}/scratch` as HostPath;
  }

  /** Remove the whole tree. */
  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
    released(this.root);
  }
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
