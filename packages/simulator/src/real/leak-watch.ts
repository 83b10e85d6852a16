/**
 * Finds leaks on a real site the way SECURITY.md defines them: a secret's
 * marker in what a guest sees when its VM opens a disk, or in the bytes of
 * an uploaded image. A VM opening a qcow2 whose backing file has no stored
 * format makes QEMU detect that format, which is recorded as a probe, as
 * the in-memory host records it.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { GuestOutcome } from '../world/site.js';
import type { QemuName, QemuObserver } from './qemu-observer.js';
import type { SecretSet } from './secrets.js';
import type { SiteLayout } from './site-layout.js';
import type { SiteRecorder } from './site-recorder.js';

export class LeakWatch {
  constructor(
    private readonly observer: QemuObserver,
    private readonly secrets: SecretSet,
    private readonly recorder: SiteRecorder,
    private readonly layout: SiteLayout,
  ) {}

  /** A VM on `host` opens the disk file `path` as `format`; what its guest sees is searched for secrets. */
  async guestView(host: string, path: string, format: QemuName): Promise<GuestOutcome> {
    if (format === 'qcow2') {
      const info = await this.observer.info(path, format);
      if (E.isLeft(info)) return { ok: false, message: info.left };
      const backing = info.right.backing;
      if (backing !== null && backing.format === null) this.recorder.probe(host, null, this.layout.virtual(backing.file));
    }
    const seen = await this.observer.view(path, format);
    if (E.isLeft(seen)) return { ok: false, message: seen.left };
    // A guest that keeps running shows the same secret again: one leak per disk and secret.
    this.record(host, seen.right, `guest ${host}:${this.layout.virtual(path)}`, 'guest-view', true);
    return { ok: true };
  }

  /** `host` uploaded `file` as image `id`: its stored bytes are searched for secrets. */
  async upload(host: string, id: string, file: string): Promise<void> {
    const stored = await this.observer.stored(file);
    // Reading a regular file we just wrote as raw cannot fail unless the machine is broken.
    if (E.isLeft(stored)) throw new Error(`cannot read back the upload of ${id}: ${stored.left}`);
    this.record(host, stored.right, `image ${id}`, 'upload', false);
  }

  private record(host: string, bytes: Uint8Array, into: string, via: string, once: boolean): void {
    for (const { secret: s, marker } of this.secrets.foundIn(bytes)) {
      this.recorder.leak({ host, secret: s.path, secretHost: s.host, marker, into, via }, once);
    }
  }
}
