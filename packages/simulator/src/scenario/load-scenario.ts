import { hostStorageOptions, imageId, isDiskName, MAX_VMDK_BYTES, resolveLocation, type HostStorageOptions, type InstanceId, type LayoutError } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { isAlias, isCollection, isPair, isScalar, isSeq, parseDocument, visit, type Node } from 'yaml';
import { INSTANCES_PATH } from '../world/nova-paths.js';
import { cacheNames, type CacheNames } from './cache-names.js';
import type { Count, Expectations, HostConfig } from './scenario.js';
import { ScenarioFile } from './scenario-file.js';
import { decodeWith, describeValue, isMapping, NumberLiteral } from './strict-codecs.js';

/** A scenario that cannot be replayed: where (key path or step index) and why. Exit code 2. */
export interface ScenarioInvalid {
  readonly _tag: 'ScenarioInvalid';
  readonly code: 'SCENARIO_INVALID';
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

/** A decoded scenario with each host's options checked and defaulted. */
export interface Scenario extends ScenarioFile {
  readonly file: string;
  readonly hostOptions: ReadonlyMap<string, HostStorageOptions>;
}

const invalid = (file: string, path: string, message: string): ScenarioInvalid => ({
  _tag: 'ScenarioInvalid', code: 'SCENARIO_INVALID', file, path, message: `${file}: ${path}: ${message}`,
});

/** Map the scenario's snake_case host config to domain options (nova's defaults for what is absent). */
export const toOptionsInput = (c: HostConfig | undefined) => ({
  imagesType: c?.images_type,
  useCowImages: c?.use_cow_images,
  forceRawImages: c?.force_raw_images,
  imagesVolumeGroup: c?.images_volume_group,
  imagesRbdPool: c?.images_rbd_pool,
  preallocateImages: c?.preallocate_images,
});

/**
 * A host's config after a `reconfigure` step: the keys it names replace the
 * current ones. The scenario check and the replay both apply it this way.
 */
export const reconfigured = (current: HostConfig, change: HostConfig): E.Either<LayoutError, { readonly config: HostConfig; readonly options: HostStorageOptions }> => {
  const config: HostConfig = { ...current, ...change };
  return E.map((options: HostStorageOptions) => ({ config, options }))(hostStorageOptions(toOptionsInput(config)));
};

/** Parse and check a scenario's text; the first problem is reported with its path. */
export const loadScenario = (text: string, file: string): E.Either<ScenarioInvalid, Scenario> => {
  // logLevel: a collection used as a key is read as its YAML text (no key of the format is one), without the library's warning on stderr.
  // merge: `<<: *anchor` merges a mapping, as YAML 1.1 has it (no key of the format is `<<`).
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, logLevel: 'error', merge: true });
  const yamlError = doc.errors[0];
  if (yamlError !== undefined) {
    // The library's own advice (parseAllDocuments) is for a program, not for a scenario's author.
    const message = yamlError.code === 'MULTIPLE_DOCS' ? 'a scenario file holds one YAML document; this one holds several (a line `---` starts another)' : yamlError.message.split('\n')[0];
    return E.left(invalid(file, '(yaml)', message ?? 'invalid YAML'));
  }
  // Every number of the format is a whole number written in decimal digits, below 2^53: any other (`1e9`, `2.0`,
  // `0x10`, 2^53 + 1) is kept as written (NumberLiteral), so that an error names it rather than a value quietly
  // standing in. A key is a name, and stays the text it was written as.
  visit(doc, {
    Scalar: (key, node) => {
      if (typeof node.value !== 'number' || node.source === undefined) return;
      const plain = /^-?[0-9]+$/.test(node.source);
      if (plain && Number.isSafeInteger(node.value)) return;
      node.value = key === 'key' ? node.source : new NumberLiteral(node.source, plain ? 'size' : 'form');
    },
  });
  const looped = selfAlias(doc);
  if (looped !== null) return E.left(invalid(file, looped.path, `the alias *${looped.anchor} stands inside the value its anchor &${looped.anchor} names, so that value would contain itself`));
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (e) {
    // The yaml library refuses to expand more than 100 aliases (an alias bomb would otherwise take the memory).
    return E.left(invalid(file, '(yaml)', e instanceof Error ? e.message : String(e)));
  }
  // A file that is no scenario at all (a wrong path given) is named as such, without quoting what it holds.
  const notScenario = formatProblem(value);
  if (notScenario !== null) return E.left(invalid(file, notScenario.path, notScenario.message));
  const decoded = decodeWith(ScenarioFile, value);
  if (E.isLeft(decoded)) return E.left(invalid(file, decoded.left.path, decoded.left.message));
  const s = decoded.right;
  const hostOptions = new Map<string, HostStorageOptions>();
  const instances = new Set(s.steps.flatMap((step) => (step.op === 'boot' ? [step.instance] : [])));
  const cached = cacheNames(s);
  for (const [i, h] of s.hosts.entries()) {
    if (!HOST_NAME.test(h.name)) return E.left(invalid(file, `hosts[${i}].name`, `${JSON.stringify(h.name.slice(0, 80))} is not a host name: use 1-255 letters, digits, ".", "_" or "-"`));
    if (hostOptions.has(h.name)) return E.left(invalid(file, `hosts[${i}].name`, `duplicate host "${h.name}"`));
    for (const [j, secret] of (h.secrets ?? []).entries()) {
      const problem = targetProblem(secret) ?? secretProblem(secret, (h.secrets ?? []).slice(0, j), instances, cached);
      if (problem !== null) return E.left(invalid(file, `hosts[${i}].secrets[${j}]`, problem));
    }
    const o = hostStorageOptions(toOptionsInput(h.config));
    if (E.isLeft(o)) return E.left(invalid(file, `hosts[${i}].config.${o.left.path ?? ''}`, o.left.message));
    hostOptions.set(h.name, o.right);
  }
  const problem = checkReferences(s, hostOptions);
  return problem === null ? E.right({ ...s, file, hostOptions }) : E.left(invalid(file, problem.path, problem.message));
};

/**
 * The first alias inside the node its anchor names (the value would contain
 * itself), with its key path; `null` if none. One pass in document order: an
 * alias names the latest node of its anchor before it.
 */
const selfAlias = (doc: ReturnType<typeof parseDocument>): { readonly path: string; readonly anchor: string } | null => {
  let found: { readonly path: string; readonly anchor: string } | null = null;
  const latest = new Map<string, unknown>();
  visit(doc, (_key, node, ancestors) => {
    if (isAlias(node)) {
      if (!ancestors.includes(latest.get(node.source) as never)) return undefined;
      found = { path: keyPath([...ancestors, node]), anchor: node.source };
      return visit.BREAK;
    }
    if ((isScalar(node) || isCollection(node)) && node.anchor !== undefined) latest.set(node.anchor, node);
    return undefined;
  });
  return found;
};

/** A mapping key as a path spells it (a merge key `<<` as written, not as the parser's symbol). */
const keyText = (key: unknown): string => {
  const v = isScalar(key) ? key.value : key;
  return typeof v === 'symbol' ? (v.description ?? '<<') : String(v);
};

/** The key path (`hosts[0].config`) of the last of `nodes`, each a child of the one before. */
const keyPath = (nodes: readonly unknown[]): string => {
  let out = '';
  for (const [i, node] of nodes.entries()) {
    const child = nodes[i + 1];
    if (isPair(node) && child === node.value) out += `${out === '' ? '' : '.'}${keyText(node.key)}`;
    else if (isSeq(node) && child !== undefined) out += `[${node.items.indexOf(child as Node)}]`;
  }
  return out === '' ? '(root)' : out;
};

/** Why `value` is not a scenario of this format at all, or `null`: checked before its keys, so their text is not echoed. */
const formatProblem = (value: unknown): { readonly path: string; readonly message: string } | null => {
  if (!isMapping(value)) return { path: '(root)', message: 'not a scenario: expected a mapping with `format: 1` at the top' };
  if (!Object.hasOwn(value, 'format')) return { path: 'format', message: 'required key is missing (a scenario starts with `format: 1`)' };
  const format = (value as { readonly format?: unknown }).format;
  return format === 1 ? null : { path: 'format', message: `expected 1, the only format version, got ${describeValue(format)}` };
};

/** The longest file name a planted header can carry: qcow2 caps a backing file name at 1023 bytes. */
const MAX_TARGET_BYTES = 1023;

/** Why `target` cannot be the host file a hostile header names, or `null`. */
const targetProblem = (target: string): string | null => {
  if (!target.startsWith('/') || target.includes('\0')) return `${JSON.stringify(target.slice(0, 80))} is not an absolute host path`;
  const n = Buffer.byteLength(target, 'utf8');
  return n > MAX_TARGET_BYTES ? `is ${n} bytes long; a header can name at most ${MAX_TARGET_BYTES}` : null;
};

/**
 * Why `secret` cannot be planted as a file beside `earlier` ones, or `null`:
 * it must be spelled plainly (no `.`, `..` or empty part: the real host
 * plants it at exactly that path), be neither another secret nor a directory
 * of one, and not hold the instances directory. In the instances directory
 * it may be a file of the base-image cache or of another tenant's instance
 * (one the scenario never boots), not where the replay makes `instances` or
 * a file of the library's cache (cache-names.ts).
 */
const secretProblem = (secret: string, earlier: readonly string[], instances: ReadonlySet<string>, cached: CacheNames): string | null => {
  const parts = secret.split('/').slice(1);
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return `${JSON.stringify(secret.slice(0, 80))} is not a plain absolute path (no ".", ".." or empty parts)`;
  const under = (a: string, b: string): boolean => a === b || a.startsWith(`${b}/`);
  if (under(INSTANCES_PATH, secret)) return `${secret} holds the instances directory ${INSTANCES_PATH}; a secret is a file`;
  // The scenario's instances' directories and the cache directory itself are made by the replay: a secret there
  // would stand where a disk or disk.info goes, and each host would fail the step in its own way.
  if (under(secret, INSTANCES_PATH)) {
    const inside = secret.slice(INSTANCES_PATH.length + 1).split('/');
    const dir = inside[0] ?? '';
    if (dir === '_base' && secret === `${INSTANCES_PATH}/_base`) return `${secret} is the base-image cache directory; a secret is a file`;
    const made = dir === '_base' && inside.length >= 2 ? cached(inside[1] ?? '') : null;
    if (made !== null) {
      return `${secret} is where the library's base-image cache keeps ${made}, which the replay makes and the cache trusts once made; a secret in the cache can be at another name, such as the classic driver's (the SHA-1 of an image id)`;
    }
    // nova's snapshots_directory, where the classic driver stages a snapshot.
    if (dir === 'snapshots') return `${secret} is in ${INSTANCES_PATH}/snapshots, where the classic driver stages snapshots`;
    if (instances.has(dir)) {
      return `${secret} is in the directory of instance ${dir}, which the replay makes; a secret there can be in another instance's directory (one the scenario does not boot) or the base-image cache (${INSTANCES_PATH}/_base/<name>)`;
    }
  }
  // /dev/<vg>/<lv> is where a logical volume's device is: one a booted instance's record could name is the replay's.
  if (parts.length === 3 && parts[0] === 'dev') {
    const owner = [...instances].find((i) => E.isRight(resolveLocation('lvm', `${parts[1] ?? ''}/${parts[2] ?? ''}`, INSTANCES_PATH, i as InstanceId)));
    if (owner !== undefined) return `${secret} is where the device of a logical volume of instance ${owner} would be, which the replay makes`;
  }
  const clash = earlier.find((e) => under(e, secret) || under(secret, e));
  return clash === undefined ? null : clash === secret ? `${secret} is listed twice` : `${secret} and ${clash} cannot both be files: one is in the other`;
};

/** Why `id` cannot be an image id, or `null`. */
const imageIdProblem = (id: string): string | null => (E.isLeft(imageId(id)) ? `${JSON.stringify(id.slice(0, 80))} is not an image id` : null);

/** A host name as nova's compute service names hosts. */
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

const checkImages = (s: ScenarioFile): { path: string; message: string } | null => {
  const seen = new Set<string>();
  const catalogue = new Set((s.images ?? []).map((image) => image.id));
  for (const [i, image] of (s.images ?? []).entries()) {
    if (seen.has(image.id)) return { path: `images[${i}].id`, message: `duplicate image "${image.id}"` };
    seen.add(image.id);
    for (const key of ['id', 'kernel_id', 'ramdisk_id'] as const) {
      const id = image[key];
      const problem = id === undefined ? null : imageIdProblem(id);
      if (problem !== null) return { path: `images[${i}].${key}`, message: problem };
      // A snapshot's image cannot be meant: nova takes a kernel or ramdisk from the image's own properties, set when it was uploaded.
      if (key !== 'id' && id !== undefined && !catalogue.has(id)) return { path: `images[${i}].${key}`, message: `unknown image "${id}": it must be an image of this catalogue` };
    }
    if (image.disk_format === 'vmdk' && (image.content ?? 'benign') === 'benign' && (image.virtual_size ?? 0) > MAX_VMDK_BYTES) {
      return { path: `images[${i}].virtual_size`, message: `a vmdk image holds at most 2TiB (${MAX_VMDK_BYTES} bytes): a larger sparse vmdk is no image qemu opens` };
    }
    if (image.virtual_size !== undefined && image.virtual_size < MIN_IMAGE_SIZE) {
      return { path: `images[${i}].virtual_size`, message: `an image must be at least 64KiB (${MIN_IMAGE_SIZE} bytes): its content kind is written into its first bytes, and a real qcow2 or vmdk needs room for its own` };
    }
    const problem = image.target === undefined ? null : targetProblem(image.target);
    if (problem !== null) return { path: `images[${i}].target`, message: problem };
  }
  return null;
};

/**
 * The smallest image the simulator builds: one qcow2 cluster. Below it a
 * header (a content kind's, or a real qcow2's own metadata) does not fit,
 * and the in-memory and real hosts would build different images.
 */
const MIN_IMAGE_SIZE = 64 * 1024;

/** Where a scenario is wrong, and why. */
type Problem = { readonly path: string; readonly message: string };

const checkReferences = (s: ScenarioFile, hosts: ReadonlyMap<string, HostStorageOptions>): { path: string; message: string } | null => {
  const badImage = checkImages(s);
  if (badImage !== null) return badImage;
  // A snapshot uploads a new image: later steps may boot, rebuild or rescue from it.
  const images = new Set((s.images ?? []).map((i) => i.id));
  const flavors = new Set(Object.keys(s.flavors ?? {}));
  // Each host's config as reconfigure steps leave it (a reconfigure changes the keys it names, as the replay applies it).
  const configs = new Map(s.hosts.map((h) => [h.name, h.config ?? {}]));
  for (const [i, step] of s.steps.entries()) {
    const at = (key: string) => `steps[${i}].${step.op}.${key}`;
    const current = step.op === 'reconfigure' ? configs.get(step.host) : undefined;
    if (step.op === 'reconfigure' && current !== undefined) {
      const r = reconfigured(current, step.config);
      if (E.isLeft(r)) return { path: at(`config.${r.left.path ?? ''}`), message: `host "${step.host}" would be left inconsistent: ${r.left.message}` };
      configs.set(step.host, r.right.config);
    }
    const hostKey = 'host' in step ? 'host' : 'to' in step ? 'to' : null;
    if (hostKey !== null) {
      const name = (step as Record<string, unknown>)[hostKey];
      if (typeof name === 'string' && !hosts.has(name)) return { path: at(hostKey), message: `unknown host "${name}"` };
    }
    if ('flavor' in step && typeof step.flavor === 'string' && !flavors.has(step.flavor)) return { path: at('flavor'), message: `unknown flavor "${step.flavor}"` };
    if ((step.op === 'boot' || step.op === 'rebuild' || step.op === 'rescue') && step.image !== undefined && !images.has(step.image)) {
      return { path: at('image'), message: `unknown image "${step.image}"` };
    }
    if (step.op === 'boot' && step.image === undefined && step.volume !== true) return { path: at('image'), message: 'boot needs an image, or volume: true' };
    if (step.op === 'boot' && step.image !== undefined && step.volume === true) return { path: at('volume'), message: 'boot takes an image or volume: true, not both' };
    if (step.op === 'snapshot') {
      const problem = imageIdProblem(step.image_id);
      if (problem !== null) return { path: at('image_id'), message: problem };
      images.add(step.image_id);
    }
    if (step.op === 'guest_write' && step.target !== undefined) {
      const problem = targetProblem(step.target);
      if (problem !== null) return { path: at('target'), message: problem };
    }
    if (step.op === 'crash' && (!Number.isInteger(step.during) || step.during <= i || step.during >= s.steps.length)) {
      const later = i + 1 < s.steps.length ? `(${i + 1}..${s.steps.length - 1})` : '(this crash is the last step: none comes after it)';
      return { path: at('during'), message: `during must be the index of a later step ${later}` };
    }
    if ((step.op === 'guest_write' || step.op === 'delete_disk_file' || step.op === 'convert') && !isDiskName(step.disk)) {
      return { path: at('disk'), message: diskNameProblem(step.disk) };
    }
    // The format says int: 0 is a batch that migrates nothing, as a periodic job with nothing to do.
    if (step.op === 'online_migrate' && step.batch !== undefined && (!Number.isSafeInteger(step.batch) || step.batch < 0)) {
      return { path: at('batch'), message: 'batch must be a whole number of rows, 0 or more' };
    }
  }
  for (const [key, block] of [['expect', s.expect], ['expect_legacy', s.expect_legacy]] as const) {
    const problem = block === undefined ? null : expectationProblem(key, block, s.steps.length, hosts);
    if (problem !== null) return problem;
  }
  return null;
};

const diskNameProblem = (disk: string): string =>
  `${JSON.stringify(disk.slice(0, 80))} is not a disk an instance can have (root, ephemeral0, ephemeral1, …, swap, config, rescue, kernel, ramdisk)`;

/** The facts an expected disk may state besides `absent`. */
const DISK_FACTS = ['host', 'backend', 'format', 'size', 'location', 'provenance'] as const;

/** What is wrong with a count expectation (`N` or `{ min: N }`): it must be a whole number, at least 0. */
const countProblem = (path: string, c: Count): Problem | null => {
  const [n, at] = typeof c === 'number' ? [c, path] : [c.min, `${path}.min`];
  return Number.isInteger(n) && n >= 0 ? null : { path: at, message: `${n} is not a whole number of at least 0` };
};

/** What is wrong with an `expect` or `expect_legacy` block that its codec cannot see. */
const expectationProblem = (key: string, e: Expectations, steps: number, hosts: ReadonlyMap<string, unknown>): Problem | null => {
  for (const what of ['probes', 'leaks'] as const) {
    const c = e[what];
    const problem = c === undefined ? null : countProblem(`${key}.${what}`, c);
    if (problem !== null) return problem;
  }
  const stated = new Map<number, number>();
  for (const [i, x] of (e.steps ?? []).entries()) {
    if (!Number.isInteger(x.index) || x.index < 0 || x.index >= steps) return { path: `${key}.steps[${i}].index`, message: `no step ${x.index}` };
    if (x.outcome === 'ok' && x.code !== undefined) return { path: `${key}.steps[${i}].code`, message: 'an error code applies only to outcome: error' };
    const before = stated.get(x.index);
    if (before !== undefined) return { path: `${key}.steps[${i}].index`, message: `step ${x.index} is already stated at ${key}.steps[${before}]` };
    stated.set(x.index, i);
  }
  const disks = new Map<string, number>();
  for (const [i, d] of (e.disks ?? []).entries()) {
    if (!isDiskName(d.disk)) return { path: `${key}.disks[${i}].disk`, message: diskNameProblem(d.disk) };
    const facts = DISK_FACTS.filter((f) => d[f] !== undefined);
    if (d.absent === true && facts.length > 0) return { path: `${key}.disks[${i}].absent`, message: `a disk stated absent has no ${facts.join(', ')}` };
    // No disk can be on a host the scenario does not have: such an expectation could only fail.
    if (d.host !== undefined && !hosts.has(d.host)) return { path: `${key}.disks[${i}].host`, message: `unknown host "${d.host}"` };
    // Two entries for one disk say two things of it, or one twice: either way one of them is not what was meant.
    const disk = `${d.instance}/${d.disk}`;
    const before = disks.get(disk);
    if (before !== undefined) return { path: `${key}.disks[${i}]`, message: `disk ${d.disk} of ${d.instance} is already stated at ${key}.disks[${before}]` };
    disks.set(disk, i);
  }
  return null;
};
