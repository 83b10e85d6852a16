import type { DomainError, HostFiles, ImageService } from '@disk-ledger/domain';
import type * as E from 'fp-ts/lib/Either.js';
import type { HostContext } from '../host-context.js';
import type { DiskRealizer } from '../services/disk-realizer.js';
import type { ImageBackend } from '../services/image-backend.js';
import type { LegacyAdoption } from '../services/legacy-adoption.js';

/** The host-scoped services of one compute host. */
export interface HostServices {
  readonly ctx: HostContext;
  readonly backend: ImageBackend;
  readonly realizer: DiskRealizer;
  readonly adoption: LegacyAdoption;
  readonly files: HostFiles;
  readonly images: ImageService;
}

/** No such compute host. */
export type UnknownHost = DomainError<'UnknownHost', 'UNKNOWN_HOST'>;

/** The compute hosts the lifecycle can act on, by name. */
export interface HostRegistry {
  /** The services of `host`, or `UNKNOWN_HOST`. */
  get(host: string): E.Either<UnknownHost, HostServices>;
}

/** An `UNKNOWN_HOST` error for a host the registry has no services for. */
export const unknownHost = (host: string): UnknownHost => ({
  _tag: 'UnknownHost', code: 'UNKNOWN_HOST', path: 'host', message: `unknown compute host "${host}"`,
});
