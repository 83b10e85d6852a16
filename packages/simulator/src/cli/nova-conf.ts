import { IMAGES_TYPES, type HostStorageOptionsInput, type ImagesType, type Preallocate } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { parse } from 'ini';

/** A nova.conf value that cannot be read: the file, `section.key`, and why. */
export interface ConfigInvalid {
  readonly _tag: 'ConfigInvalid';
  readonly code: 'CONFIG_INVALID';
  readonly path: string;
  readonly message: string;
}

const invalid = (file: string, path: string, why: string): ConfigInvalid => ({ _tag: 'ConfigInvalid', code: 'CONFIG_INVALID', path, message: `${file}: ${path}: ${why}` });

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** oslo.config's boolean spellings (`true/1/yes/on`, `false/0/no/off`, any case); `null` for anything else. */
export const osloBool = (v: string): boolean | null => {
  const s = v.trim().toLowerCase();
  return TRUE.has(s) ? true : FALSE.has(s) ? false : null;
};

const bool = (file: string, path: string, v: unknown): E.Either<ConfigInvalid, boolean | undefined> => {
  if (v === undefined) return E.right(undefined);
  const b = osloBool(String(v));
  return b === null ? E.left(invalid(file, path, `${JSON.stringify(v)} is not a boolean`)) : E.right(b);
};

const str = (v: unknown): string | undefined => (v === undefined ? undefined : String(v).trim());

const section = (doc: Record<string, unknown>, name: string): Record<string, unknown> => {
  const s = doc[name];
  return typeof s === 'object' && s !== null ? (s as Record<string, unknown>) : {};
};

/**
 * The text as `ini` should read it, or the first line that is none of what
 * oslo.config's parser accepts: blank, a comment (`#`, `;`), a `[section]`,
 * `key = value` or `key: value`, or an indented continuation of a value.
 * `ini` knows no `:` and takes any other line as a key set to true, so a
 * file that is not INI at all would pass for an empty configuration.
 */
const normalised = (text: string): { readonly text: string } | { readonly line: number; readonly why: string } => {
  const out: string[] = [];
  let inValue = false;
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) {
      out.push(line);
      continue;
    }
    // A continuation line extends a value (no storage option spans lines): it is dropped, not read as a key.
    if (/^[ \t]/.test(raw) && inValue) continue;
    if (line.startsWith('[')) {
      if (!/^\[[^[\]]+\]$/.test(line)) return { line: i + 1, why: `${JSON.stringify(line)} is not a [section] header` };
      out.push(line);
      inValue = false;
      continue;
    }
    const sep = /^([^=:\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(line);
    if (sep === null) return { line: i + 1, why: `${JSON.stringify(line.slice(0, 60))} is not "key = value", a [section] or a comment` };
    out.push(`${sep[1] ?? ''} = ${sep[2] ?? ''}`);
    inValue = true;
  }
  return { text: out.join('\n') };
};

/** nova's `[libvirt] rbd_user` and `images_rbd_ceph_conf`, as given (unchecked). */
export interface RbdClientInput {
  readonly user?: string;
  readonly cephConf?: string;
}

/** What of a host's nova.conf is not a storage option but the library needs: its Ceph client and its image cache's directory (unchecked). */
export interface NovaHostExtras {
  readonly rbd: RbdClientInput;
  /** `[image_cache] subdirectory_name` (nova's older `[DEFAULT] image_cache_subdirectory_name`). */
  readonly imageCacheSubdirectory?: string;
}

/** A parsed nova.conf: its sections as `ini` reads them, `[DEFAULT]` with the keys outside any section. */
interface NovaDoc {
  readonly dflt: Record<string, unknown>;
  readonly libvirt: Record<string, unknown>;
  readonly imageCache: Record<string, unknown>;
}

const docOf = (text: string, file: string): E.Either<ConfigInvalid, NovaDoc> => {
  const ini = normalised(text);
  if ('line' in ini) return E.left(invalid(file, `line ${ini.line}`, ini.why));
  const doc = parse(ini.text);
  // Keys outside any section land at the top level in `ini`; nova reads them as [DEFAULT].
  return E.right({ dflt: { ...doc, ...section(doc, 'DEFAULT') }, libvirt: section(doc, 'libvirt'), imageCache: section(doc, 'image_cache') });
};

const extrasOf = ({ dflt, libvirt, imageCache }: NovaDoc): NovaHostExtras => {
  const user = str(libvirt['rbd_user']);
  const cephConf = str(libvirt['images_rbd_ceph_conf']);
  const sub = str(imageCache['subdirectory_name']) ?? str(dflt['image_cache_subdirectory_name']);
  return {
    rbd: { ...(user === undefined ? {} : { user }), ...(cephConf === undefined ? {} : { cephConf }) },
    ...(sub === undefined || sub === '' ? {} : { imageCacheSubdirectory: sub }),
  };
};

const storageOf = ({ dflt, libvirt }: NovaDoc, file: string): E.Either<ConfigInvalid, HostStorageOptionsInput> => {
  const cow = bool(file, 'DEFAULT.use_cow_images', dflt['use_cow_images']);
  if (E.isLeft(cow)) return cow;
  const raw = bool(file, 'DEFAULT.force_raw_images', dflt['force_raw_images']);
  if (E.isLeft(raw)) return raw;
  const type = str(libvirt['images_type']);
  if (type !== undefined && !(IMAGES_TYPES as readonly string[]).includes(type)) {
    return E.left(invalid(file, 'libvirt.images_type', `${JSON.stringify(type)} is not one of ${IMAGES_TYPES.join(', ')}`));
  }
  const pre = str(dflt['preallocate_images']);
  if (pre !== undefined && pre !== 'none' && pre !== 'space') return E.left(invalid(file, 'DEFAULT.preallocate_images', `${JSON.stringify(pre)} is not none or space`));
  return E.right({
    ...(type === undefined ? {} : { imagesType: type as ImagesType }),
    ...(cow.right === undefined ? {} : { useCowImages: cow.right }),
    ...(raw.right === undefined ? {} : { forceRawImages: raw.right }),
    ...(str(libvirt['images_volume_group']) === undefined ? {} : { imagesVolumeGroup: str(libvirt['images_volume_group']) ?? null }),
    // nova's images_rbd_pool defaults to `rbd`; it only matters to an rbd host.
    ...(str(libvirt['images_rbd_pool']) === undefined ? (type === 'rbd' ? { imagesRbdPool: 'rbd' } : {}) : { imagesRbdPool: str(libvirt['images_rbd_pool']) ?? null }),
    ...(pre === undefined ? {} : { preallocateImages: pre as Preallocate }),
  });
};

/**
 * Read what the library needs of a host's nova.conf-style INI file, parsed
 * once: its storage options (see {@link readNovaConf}) and the rest
 * ({@link readNovaHostExtras}).
 */
export const readNovaHost = (text: string, file: string): E.Either<ConfigInvalid, { readonly storage: HostStorageOptionsInput; readonly extras: NovaHostExtras }> => {
  const doc = docOf(text, file);
  if (E.isLeft(doc)) return doc;
  const storage = storageOf(doc.right, file);
  return E.isLeft(storage) ? storage : E.right({ storage: storage.right, extras: extrasOf(doc.right) });
};

/**
 * Read the Ceph client of a nova.conf-style INI file (`[libvirt] rbd_user`
 * and `images_rbd_ceph_conf`) and the base-image cache's directory (absent
 * keys are left out: the defaults).
 */
export const readNovaHostExtras = (text: string, file: string): E.Either<ConfigInvalid, NovaHostExtras> => E.map(extrasOf)(docOf(text, file));

/**
 * Read the storage options of a nova.conf-style INI file:
 * `[DEFAULT] use_cow_images, force_raw_images, preallocate_images` and
 * `[libvirt] images_type, images_volume_group, images_rbd_pool`. Absent keys
 * are left out, so nova's defaults apply (an rbd host's pool is `rbd`).
 */
export const readNovaConf = (text: string, file: string): E.Either<ConfigInvalid, HostStorageOptionsInput> => {
  const doc = docOf(text, file);
  return E.isLeft(doc) ? doc : storageOf(doc.right, file);
};
