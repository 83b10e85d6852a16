/**
 * Host secrets as real files: each holds one line, a marker unique to this
 * replay (`SECRET:<host>:<path>:<nonce>`, the in-memory host's spelling).
 * The marker lives only in the file's content, never in a path, so finding
 * it anywhere else means something read the file and copied its bytes.
 */
import { randomInt } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { secretMarker } from '@disk-ledger/fake';
import { everyHostsSecrets } from '../world/host-secrets.js';
import type { SiteLayout } from './site-layout.js';

/** A planted secret. */
export interface PlantedSecret {
  readonly host: string;
  /** The path the scenario names, e.g. `/etc/shadow`. */
  readonly path: string;
  /** Where the file really is. */
  readonly file: string;
  readonly marker: string;
}

/** Every secret of a replay, and a search for them in bytes. */
export class SecretSet {
  private readonly needles: readonly { readonly secret: PlantedSecret; readonly bytes: Buffer }[];

  constructor(readonly all: readonly PlantedSecret[]) {
    this.needles = all.map((secret) => ({ secret, bytes: Buffer.from(secret.marker, 'utf8') }));
  }

  /** The secrets whose marker occurs in `bytes`. */
  foundIn(bytes: Uint8Array): readonly PlantedSecret[] {
    const haystack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return this.needles.filter((n) => haystack.includes(n.bytes)).map((n) => n.secret);
  }
}

/** Write the scenario's secrets (every path any host names) under each host's directory of the layout. */
export const plantSecrets = async (layout: SiteLayout, hosts: readonly { readonly name: string; readonly secrets?: readonly string[] }[]): Promise<SecretSet> => {
  const planted: PlantedSecret[] = [];
  const paths = everyHostsSecrets(hosts);
  for (const h of hosts) {
    for (const path of paths) {
      const file = layout.hostFile(h.name, path);
      // Random, so that no fixture or earlier replay can hold the same marker by accident.
      const marker = secretMarker(h.name, path, randomInt(1_000_000_000, 9_999_999_999));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, `${marker}\n`);
      planted.push({ host: h.name, path, file, marker });
    }
  }
  return new SecretSet(planted);
};
