/**
 * Host secrets as real files: each holds one line, a marker unique to this
 * replay (`SECRET:<host>:<path>:<nonce>`, the in-memory host's spelling).
 * The marker lives only in the file's content, never in a path, so finding
 * it anywhere else means something read the file and copied its bytes.
 */
import { randomInt } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
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

/** A secret found in some bytes, with the marker it held when they were read from it. */
export interface FoundSecret {
  readonly secret: PlantedSecret;
  readonly marker: string;
}

/** Whether `file` holds exactly `text` (its size checked first: a step may have put a disk image there). */
const holds = (file: string, text: string): boolean => {
  try {
    return statSync(file).size === Buffer.byteLength(text) && readFileSync(file, 'utf8') === text;
  } catch {
    return false;
  }
};

/** Random, so that no fixture or earlier replay can hold the same marker by accident; always ten digits, so a file keeps its size. */
const freshMarker = (host: string, path: string): string => secretMarker(host, path, randomInt(1_000_000_000, 9_999_999_999));

/** A marker to search for, and the secret it was written into. */
interface Needle extends FoundSecret {
  readonly bytes: Buffer;
}

const needle = (secret: PlantedSecret, marker: string): Needle => ({ secret, marker, bytes: Buffer.from(marker, 'utf8') });

/**
 * Every secret of a replay, and a search for them in bytes. {@link SecretSet.rotate} gives each file a new marker (a
 * step's own): bytes holding an older one were copied before, bytes holding the current one were read from the
 * file since. So a secret the classic driver leaked into a disk, found again there, is told apart from the same
 * secret read afresh (through a backing file, say) by a later step.
 */
export class SecretSet {
  private readonly needles: Needle[];
  private readonly latest = new Map<PlantedSecret, string>();

  constructor(readonly all: readonly PlantedSecret[]) {
    this.needles = all.map((secret) => needle(secret, secret.marker));
  }

  /**
   * The secrets whose markers occur in `bytes`, each once, with its newest marker found there: bytes holding an old
   * copy and a fresh read of one secret show the read.
   */
  foundIn(bytes: Uint8Array): readonly FoundSecret[] {
    const haystack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const newest = new Map<PlantedSecret, FoundSecret>();
    // Needles are in the order their markers were written: a later one found replaces an earlier one.
    for (const n of this.needles) if (haystack.includes(n.bytes)) newest.set(n.secret, { secret: n.secret, marker: n.marker });
    return [...newest.values()];
  }

  /**
   * Write a new marker into every secret file that still holds its last one (between steps: nothing reads them
   * meanwhile). A file a step has replaced (a cache entry the classic driver fetched onto a secret's path) is left
   * as the step left it.
   */
  rotate(): void {
    for (const secret of this.all) {
      const last = this.latest.get(secret) ?? secret.marker;
      if (!holds(secret.file, `${last}\n`)) continue;
      const marker = freshMarker(secret.host, secret.path);
      writeFileSync(secret.file, `${marker}\n`);
      this.latest.set(secret, marker);
      this.needles.push(needle(secret, marker));
    }
  }
}

/** Write the scenario's secrets (every path any host names) under each host's directory of the layout. */
export const plantSecrets = async (layout: SiteLayout, hosts: readonly { readonly name: string; readonly secrets?: readonly string[] }[]): Promise<SecretSet> => {
  const planted: PlantedSecret[] = [];
  const paths = everyHostsSecrets(hosts);
  for (const h of hosts) {
    for (const path of paths) {
      const file = layout.hostFile(h.name, path);
      const marker = freshMarker(h.name, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, `${marker}\n`);
      planted.push({ host: h.name, path, file, marker });
    }
  }
  return new SecretSet(planted);
};
