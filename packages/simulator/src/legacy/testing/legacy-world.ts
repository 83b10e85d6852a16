/**
 * Test helpers: a world in legacy mode built from scenario YAML, the
 * classic driver on it, steps as the replay hands them over, and what the
 * fake host recorded. Test-only (this folder is not built).
 */
import 'reflect-metadata';
import { hostPath, type DiskLocation, type HostPath } from '@disk-ledger/domain';
import type { GuestContent } from '@disk-ledger/fake';
import * as E from 'fp-ts/lib/Either.js';
import { expect } from 'vitest';
import type { Outcome } from '../../replay/outcome.js';
import { loadScenario } from '../../scenario/load-scenario.js';
import type { StepOf } from '../../scenario/steps.js';
import { instanceDisk } from '../../world/disk-view.js';
import { inMemoryRepository, World } from '../../world/world.js';
import { LegacyDriver } from '../legacy-driver.js';

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

/** Host options as scenario YAML flow maps, by name. */
export const CONFIGS = {
  flat: '{ images_type: raw, use_cow_images: false, force_raw_images: true }',
  qcow2: '{ images_type: qcow2 }',
  lvm: '{ images_type: lvm, images_volume_group: vg0 }',
  rbd: '{ images_type: rbd, images_rbd_pool: pool0 }',
  ploop: '{ images_type: ploop }',
  flatKeep: '{ images_type: raw, force_raw_images: false }',
} as const;

/** What a test world is made of. */
export interface WorldSpec {
  /** Host name → a config of {@link CONFIGS}. Every host holds `/etc/shadow` and `/root/.ssh/id_rsa` as secrets. */
  readonly hosts: Readonly<Record<string, keyof typeof CONFIGS>>;
  /** Extra image lines, YAML flow maps. */
  readonly images?: readonly string[];
}

const yamlOf = (spec: WorldSpec): string => `format: 1
name: legacy-test
hosts:
${Object.entries(spec.hosts).map(([name, c]) => `  - { name: ${name}, config: ${CONFIGS[c]}, secrets: [/etc/shadow, /root/.ssh/id_rsa] }`).join('\n')}
images:
  - { id: cirros, disk_format: qcow2, virtual_size: 1GiB }
  - { id: rawimg, disk_format: raw, virtual_size: 1GiB }
  - { id: rescue-img, disk_format: raw, virtual_size: 512MiB }
${(spec.images ?? []).map((i) => `  - ${i}`).join('\n')}
flavors:
  small: { root: 1GiB, ephemeral: 1GiB, swap: 512MiB }
  big: { root: 2GiB, ephemeral: 2GiB, swap: 512MiB }
  tiny: { root: 1GiB }
steps: []
`;

/** A legacy-mode world and the classic driver on it. */
export const legacyWorld = (spec: WorldSpec): { readonly world: World; readonly driver: LegacyDriver } => {
  const scenario = loadScenario(yamlOf(spec), 'x.yaml');
  if (E.isLeft(scenario)) throw new Error(scenario.left.message);
  const world = new World(scenario.right, inMemoryRepository(), 'legacy');
  return { world, driver: new LegacyDriver(world) };
};

/** A boot step. */
export const bootStep = (host: string, image: string | null, flavor = 'small', instance = 'vm1', extra: Partial<StepOf<'boot'>> = {}): StepOf<'boot'> =>
  image === null ? { op: 'boot', instance, host, flavor, volume: true, ...extra } : { op: 'boot', instance, host, image, flavor, ...extra };

/** The outcome must be `ok`. */
export const expectOk = (o: Outcome): void => {
  expect(o.ok ? 'ok' : `${o.code}: ${o.message}`).toBe('ok');
};

/** Where the instance's disk is and the format the classic driver believes it has. */
export const diskOf = async (world: World, instance: string, disk: string): Promise<{ readonly host: string; readonly address: DiskLocation; readonly format: 'raw' | 'qcow2' | 'ploop' }> => {
  const d = await instanceDisk(world, instance, disk);
  if (d === null) throw new Error(`${instance} has no disk ${disk}`);
  return d;
};

/** The guest of the disk writes `content` through the format the classic driver opened the disk with. */
export const guestWrites = async (world: World, instance: string, disk: string, content: GuestContent): Promise<void> => {
  const d = await diskOf(world, instance, disk);
  const r = world.cluster.guestWrite(d.host, d.address, d.format, content);
  if (!r.ok) throw new Error(r.message);
};

/** The hostile write the advisories start from: a qcow2 header whose backing file is `/etc/shadow`. */
export const BACKING_SHADOW: GuestContent = { kind: 'qcow2-backing-host-file', target: '/etc/shadow' };

/** Leaks of `/etc/shadow`, as `via → into`. */
export const shadowLeaks = (world: World): string[] =>
  world.cluster.leaks().filter((l) => l.secret === '/etc/shadow').map((l) => `${l.via} → ${l.into}`);

/** Probes recorded so far, as the probing command's first three argv items (`guest` for a guest view). */
export const probeKinds = (world: World): string[] => world.cluster.probes().map((p) => (p.argv === null ? 'guest' : p.argv.slice(0, 3).join(' ')));

/** A validated host path. */
export const pathOf = (p: string): HostPath => {
  const r = hostPath(p);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

/** The instance's `disk.info` text on `host`, or `null`. */
export const diskInfoText = async (world: World, host: string, instance: string): Promise<string | null> => {
  const r = await world.cluster.files(host).readText(pathOf(`/var/lib/nova/instances/${instance}/disk.info`))();
  return E.isRight(r) ? r.right : null;
};

/** Lose the instance's `disk.info` on `host`. */
export const loseDiskInfo = async (world: World, host: string, instance: string): Promise<void> => {
  const r = await world.cluster.files(host).remove(pathOf(`/var/lib/nova/instances/${instance}/disk.info`))();
  if (E.isLeft(r)) throw new Error(r.left.message);
};
