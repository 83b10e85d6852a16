import fc from 'fast-check';

/**
 * Generators of whole scenarios in the file format of SCENARIO-FORMAT.md:
 * random valid hosts, an image catalogue with hostile and mislabelled
 * images, and random sequences of every step kind over a few instances.
 * A generated case is a plain object the scenario loader validates, so a
 * counterexample can be written out and replayed as it is.
 */

const HOSTS = ['h0', 'h1', 'h2'] as const;
const INSTANCES = ['vm0', 'vm1', 'vm2'] as const;
const DISKS = ['root', 'ephemeral0', 'swap', 'config'] as const;
const HOSTILE = ['qcow2-backing-host-file', 'qcow2-backing-host-file-fmt', 'qcow2-data-file', 'vmdk-flat-extent', 'raw-with-qcow2-header'] as const;
const SECRET = '/etc/shadow';

/** Images every generated scenario has: benign ones, and one of each hostile kind. */
export const IMAGES = [
  { id: 'img-raw', disk_format: 'raw', virtual_size: '1GiB' },
  { id: 'img-qcow2', disk_format: 'qcow2', virtual_size: '1GiB' },
  // A genuine monolithicSparse vmdk: admitted only where a host's config says `allow_vmdk`.
  { id: 'img-vmdk', disk_format: 'vmdk', virtual_size: '1GiB' },
  { id: 'evil-backing', disk_format: 'qcow2', virtual_size: '1GiB', content: 'qcow2-backing-host-file', target: SECRET },
  { id: 'evil-data', disk_format: 'qcow2', virtual_size: '1GiB', content: 'qcow2-data-file', target: SECRET },
  { id: 'evil-vmdk', disk_format: 'vmdk', virtual_size: '1GiB', content: 'vmdk-flat-extent', target: SECRET },
  { id: 'evil-mislabel', disk_format: 'raw', virtual_size: '1GiB', content: 'raw-with-qcow2-header', target: SECRET },
] as const;
const IMAGE_IDS = IMAGES.map((i) => i.id);
const BENIGN_IMAGES = ['img-raw', 'img-qcow2'] as const;

const FLAVORS = {
  // Without ephemeral or swap: a resize from it to another flavor adds both.
  bare: { root: '1GiB' },
  small: { root: '1GiB', ephemeral: '512MiB', swap: '256MiB' },
  large: { root: '2GiB', ephemeral: '512MiB', swap: '256MiB' },
};

/** A valid host configuration: every backend, with the options that matter to it, admitting vmdk images or not (or, in a reconfigure, leaving that as it was). */
const storageConfig = fc.oneof(
  fc.record({ images_type: fc.constantFrom('raw', 'flat'), force_raw_images: fc.boolean() }),
  fc.record({ images_type: fc.constant('default'), use_cow_images: fc.boolean(), force_raw_images: fc.boolean() }),
  fc.record({ images_type: fc.constant('qcow2'), force_raw_images: fc.boolean() }),
  fc.record({ images_type: fc.constant('lvm'), images_volume_group: fc.constantFrom('vg0', 'vg1') }),
  fc.record({ images_type: fc.constant('rbd'), images_rbd_pool: fc.constantFrom('pool-a', 'pool-b') }),
  fc.record({ images_type: fc.constant('ploop') }),
);
export const hostConfig = fc
  .tuple(storageConfig, fc.option(fc.boolean(), { nil: undefined }))
  .map(([config, allowVmdk]) => (allowVmdk === undefined ? config : { ...config, allow_vmdk: allowVmdk }));

const instance = fc.constantFrom(...INSTANCES);
// Benign images twice as likely as in the catalogue: a rejected image stops the step before it reaches the disks.
const anyImage = fc.constantFrom(...IMAGE_IDS, ...BENIGN_IMAGES, ...BENIGN_IMAGES);
const host = fc.constantFrom(...HOSTS);
const flavor = fc.constantFrom('bare', 'small', 'large');
const pair = fc.constantFrom(
  { backend: 'flat', format: 'raw' }, { backend: 'flat', format: 'qcow2' }, { backend: 'qcow2', format: 'qcow2' },
  { backend: 'lvm', format: 'raw' }, { backend: 'rbd', format: 'raw' }, { backend: 'ploop', format: 'ploop' },
);

/** One step (without `crash`, which needs the index of a later step). */
const step = fc.oneof(
  { weight: 4, arbitrary: fc.record({ boot: fc.record({ instance, host, flavor, image: anyImage, config_drive: fc.boolean(), legacy: fc.boolean() }) }) },
  { weight: 1, arbitrary: fc.record({ boot: fc.record({ instance, host, flavor, volume: fc.constant(true) }) }) },
  { weight: 4, arbitrary: fc.record({ guest_write: fc.record({ instance, disk: fc.constantFrom(...DISKS), content: fc.constantFrom(...HOSTILE), target: fc.constant(SECRET) }) }) },
  // Benign writes to the disks whose data must survive: what the nothing-lost check follows.
  { weight: 4, arbitrary: fc.record({ guest_write: fc.record({ instance, disk: fc.constantFrom('root', 'ephemeral0'), content: fc.constant('benign') }) }) },
  { weight: 1, arbitrary: fc.record({ reconfigure: fc.record({ host, config: hostConfig }) }) },
  { weight: 2, arbitrary: fc.record({ reboot: fc.record({ instance, hard: fc.boolean() }) }) },
  { weight: 1, arbitrary: fc.record({ delete_disk_file: fc.record({ instance, disk: fc.constantFrom(...DISKS) }) }) },
  { weight: 1, arbitrary: fc.record({ delete_disk_info: fc.record({ instance, corrupt: fc.boolean() }) }) },
  { weight: 2, arbitrary: fc.record({ resize: fc.record({ instance, to: host, flavor, confirm: fc.boolean() }) }) },
  { weight: 1, arbitrary: fc.record({ confirm_resize: fc.record({ instance }) }) },
  { weight: 1, arbitrary: fc.record({ revert_resize: fc.record({ instance }) }) },
  { weight: 1, arbitrary: fc.record({ live_migrate: fc.record({ instance, to: host, shared_storage: fc.boolean() }) }) },
  { weight: 1, arbitrary: fc.record({ evacuate: fc.record({ instance, to: host }) }) },
  { weight: 1, arbitrary: fc.record({ rebuild: fc.record({ instance, image: anyImage }) }) },
  { weight: 2, arbitrary: fc.record({ snapshot: fc.record({ instance, image_id: fc.constantFrom('snap-a', 'snap-b') }) }) },
  { weight: 1, arbitrary: fc.record({ rescue: fc.record({ instance, image: fc.constantFrom(...IMAGE_IDS) }) }) },
  { weight: 1, arbitrary: fc.record({ unrescue: fc.record({ instance }) }) },
  { weight: 1, arbitrary: fc.record({ shelve: fc.record({ instance }) }) },
  { weight: 1, arbitrary: fc.record({ unshelve: fc.record({ instance, host }) }) },
  { weight: 1, arbitrary: fc.record({ convert: fc.tuple(instance, fc.constantFrom('root', 'ephemeral0'), pair).map(([i, d, p]) => ({ instance: i, disk: d, ...p })) }) },
  { weight: 1, arbitrary: fc.record({ upgrade: fc.record({ host }) }) },
  { weight: 1, arbitrary: fc.record({ online_migrate: fc.record({ batch: fc.integer({ min: 1, max: 20 }) }) }) },
  { weight: 1, arbitrary: fc.record({ delete: fc.record({ instance }) }) },
);

/**
 * Steps that only do something after another on the same instance: a
 * resize left for confirmation then confirmed or reverted, a rescue then
 * undone, a shelve then an unshelve. Drawn apart, the second almost never meets the state it needs,
 * and its code path would go untested.
 */
const followUp = fc.oneof(
  fc.tuple(instance, host, flavor, fc.constantFrom('confirm_resize', 'revert_resize'), fc.array(step, { maxLength: 2 })).map(([i, to, f, then, between]) => [
    { resize: { instance: i, to, flavor: f, confirm: false } },
    ...between,
    { [then]: { instance: i } },
  ]),
  fc.tuple(instance, fc.constantFrom(...IMAGE_IDS, ...BENIGN_IMAGES), fc.array(step, { maxLength: 2 })).map(([i, image, between]) => [
    { rescue: { instance: i, image } },
    ...between,
    { unrescue: { instance: i } },
  ]),
  fc.tuple(instance, host, fc.array(step, { maxLength: 2 })).map(([i, to, between]) => [{ shelve: { instance: i } }, ...between, { unshelve: { instance: i, host: to } }]),
  // A hostile write, then an operation that reads the disk it went to: the paths the advisories went through.
  fc.tuple(instance, host, fc.constantFrom(...HOSTILE), fc.constantFrom('root', 'ephemeral0'), fc.constantFrom('snapshot', 'resize', 'live_migrate', 'rescue', 'shelve', 'reboot')).map(([i, to, content, disk, op]) => [
    { guest_write: { instance: i, disk, content, target: SECRET } },
    op === 'snapshot' ? { snapshot: { instance: i, image_id: 'snap-a' } }
      : op === 'resize' || op === 'live_migrate' ? { [op]: { instance: i, to } }
        : op === 'rescue' ? { rescue: { instance: i, image: 'img-raw' } }
          : op === 'shelve' ? { shelve: { instance: i } }
            : { reboot: { instance: i, hard: true } },
  ]),
);

/** Single steps, and now and then a pair that belongs together. */
const stepGroup = fc.oneof({ weight: 7, arbitrary: step.map((x) => [x]) }, { weight: 2, arbitrary: followUp });

/**
 * Boots that open a scenario, one per instance they name: most later steps
 * then act on an instance that exists (drawn uniformly, they mostly did
 * not), so hostile writes are followed by operations on their disks.
 */
const prelude = fc.uniqueArray(
  fc.record({ boot: fc.record({ instance, host, flavor, image: anyImage, config_drive: fc.boolean(), legacy: fc.boolean() }) }),
  { minLength: 0, maxLength: 3, selector: (s) => s.boot.instance },
);

/** A generated scenario: 2–3 hosts, the image catalogue, up to 3 opening boots and 1–12 steps or pairs of steps, some with a crash armed (in half the cases one that cuts a move on its destination). */
export const scenarioArbitrary = fc
  .record({
    hosts: fc.array(hostConfig, { minLength: 2, maxLength: 3 }),
    steps: fc.tuple(prelude, fc.array(stepGroup, { minLength: 1, maxLength: 12 })).map(([boots, rest]) => [...boots, ...rest.flat()]),
    crashes: fc.array(fc.tuple(fc.nat(), host), { maxLength: 2 }),
    faults: fc.array(fc.tuple(fc.nat(), fc.constantFrom<'command' | 'db' | 'crash'>('command', 'db', 'crash'), fc.nat({ max: 6 })), { maxLength: 2 }),
    // Which move, if any, a crash of its destination cuts: crashes drawn at random mostly hit steps that do not involve the host.
    cut: fc.option(fc.nat(), { freq: 2 }),
  })
  .map(({ hosts, steps, crashes, faults, cut }) => {
    const names = HOSTS.slice(0, hosts.length);
    const onKnownHosts = steps.map((s) => JSON.parse(JSON.stringify(s).replace(/"h[0-9]"/g, (m) => (names.includes(m.slice(1, -1) as 'h0') ? m : '"h0"'))) as Record<string, unknown>);
    const withCrashes: Record<string, unknown>[] = [];
    const armed = new Map<number, string>(crashes.map(([at, h]) => [at % (onKnownHosts.length + 1), names.includes(h as 'h0') ? h : 'h0']));
    const moves = onKnownHosts.flatMap((s, i) => {
      const body = s['resize'] ?? s['live_migrate'] ?? s['evacuate'];
      return typeof body === 'object' && body !== null && 'to' in body && typeof body.to === 'string' ? [[i, body.to] as const] : [];
    });
    const move = cut === null || moves.length === 0 ? undefined : moves[cut % moves.length];
    if (move !== undefined && !armed.has(move[0])) armed.set(move[0], move[1]);
    for (const [i, s] of onKnownHosts.entries()) {
      const h = armed.get(i);
      if (h !== undefined) withCrashes.push({ crash: { host: h, during: withCrashes.length + 1 } });
      withCrashes.push(s);
    }
    return {
      // Not part of the scenario format: a command or a database call that fails during a step, or a crash of the host
      // right after the step's nth command, wherever in the step that falls (reported as a comment).
      faults: faults.map(([at, kind, nth]) => ({ at: at % withCrashes.length, kind, ...(kind === 'crash' ? { nth } : {}) })),
      format: 1,
      name: 'generated',
      hosts: hosts.map((config, i) => ({ name: names[i] ?? 'h0', config, secrets: [SECRET] })),
      images: IMAGES,
      flavors: FLAVORS,
      steps: withCrashes,
    };
  });
