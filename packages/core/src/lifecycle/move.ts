import { byteSize, instanceDir, novaFileName, type DiskImage, type HostPath, type InstanceId } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { sourceOf } from '../services/disk-source.js';
import type { Flavor } from './flavor.js';
import type { HostServices } from './host-registry.js';
import { loadInstance } from './instance-records.js';
import { run, sequence, type LifecycleDeps, type Step } from './lifecycle-deps.js';
import { planMove, type MovePlan } from './move-plan.js';

/** How an instance leaves its host. */
export type MoveKind = 'resize' | 'live-migrate' | 'evacuate';

/** Where to, with which flavor (resize only). */
export interface MoveRequest {
  readonly instance: InstanceId;
  readonly to: string;
  readonly kind: MoveKind;
  readonly flavor?: Flavor;
}

const flavorSize = (flavor: Flavor | undefined, disk: string): number =>
  flavor === undefined ? 0 : disk === 'root' ? flavor.root : disk === 'swap' ? flavor.swap : disk.startsWith('ephemeral') ? flavor.ephemeral : 0;

/** Export a disk with its recorded format on the source, ship the file, and copy it in on the destination. */
const copyAcross = async (deps: LifecycleDeps, src: HostServices, dst: HostServices, instance: InstanceId, m: MovePlan): Step<void> => {
  const from = await run(src.realizer.open(instance, m.disk, m.from));
  if (E.isLeft(from)) return from;
  const to = await run(dst.realizer.open(instance, m.disk, m.to));
  if (E.isLeft(to)) return to;
  const size = byteSize(m.to.size);
  if (E.isLeft(size)) return size;
  if (src === dst) return run(to.right.driver.copyFrom(to.right.image, from.right.image, size.right));
  const format = m.from.format === 'qcow2' ? 'qcow2' : 'raw';
  const name = `${novaFileName(m.disk)}.migrate`;
  const out = `${instanceDir(src.ctx.instancesPath, instance)}/${name}` as HostPath;
  const inn = `${instanceDir(dst.ctx.instancesPath, instance)}/${name}` as HostPath;
  const staged: DiskImage = { location: { backend: 'flat', path: inn }, format };
  const steps = async (): Step<void> => {
    const exported = await run(from.right.driver.exportTo(from.right.image, out, format));
    if (E.isLeft(exported)) return exported;
    const shipped = await run(deps.transfer.copyFile(src.ctx.name, out, dst.ctx.name, inn));
    if (E.isLeft(shipped)) return shipped;
    return run(to.right.driver.copyFrom(to.right.image, staged, size.right));
  };
  const result = await steps();
  await run(src.files.remove(out));
  await run(dst.files.remove(inn));
  return result;
};

/** Put one disk on the destination as its plan says, then mark its record ready. */
const place = async (deps: LifecycleDeps, src: HostServices, dst: HostServices, instance: InstanceId, m: MovePlan): Step<void> => {
  if (m.action === 'keep') {
    const grown = m.to.size > m.from.size ? await run(dst.realizer.open(instance, m.disk, m.from)) : null;
    if (grown !== null && E.isLeft(grown)) return grown;
    if (grown !== null && E.isRight(grown)) {
      const size = byteSize(m.to.size);
      if (E.isLeft(size)) return size;
      const r = await run(grown.right.driver.resize(grown.right.image, size.right));
      if (E.isLeft(r)) return r;
    }
    return run(deps.metadata.saveAll(instance, [{ disk: m.disk, meta: { ...m.to, state: 'ready' } }]));
  }
  if (m.action === 'recreate') {
    const source = sourceOf(m.disk, m.to);
    if (E.isLeft(source)) return source;
    return E.map(() => undefined)(await run(dst.realizer.realize(instance, m.disk, m.to, source.right)));
  }
  const opened = await run(dst.realizer.open(instance, m.disk, m.to));
  if (E.isLeft(opened)) return opened;
  const cleared = await run(opened.right.driver.remove(opened.right.image.location));
  if (E.isLeft(cleared)) return cleared;
  const mk = await run(dst.files.mkdirp(instanceDir(dst.ctx.instancesPath, instance)));
  if (E.isLeft(mk)) return mk;
  const copied = await copyAcross(deps, src, dst, instance, m);
  if (E.isLeft(copied)) return copied;
  const checked = await run(dst.realizer.check(instance, m.disk, m.to));
  if (E.isLeft(checked)) return checked;
  return run(deps.metadata.saveAll(instance, [{ disk: m.disk, meta: { ...m.to, state: 'ready' } }]));
};

/**
 * Resize / cold migration, live migration and evacuation. Destination records
 * are decided from the source's records (never today's options, except to
 * place a disk whose backend the destination cannot host), saved in one
 * batch before any destination disk exists, then the disks are placed. A
 * failure before the instance has moved puts the source's records back and
 * removes what was made on the destination: the source stays as it was.
 */
export const move = async (deps: LifecycleDeps, req: MoveRequest): Step<void> => {
  const view = await loadInstance(deps, req.instance);
  if (E.isLeft(view)) return view;
  const src = view.right.host;
  const dst = deps.hosts.get(req.to);
  if (E.isLeft(dst)) return dst;
  const sameHost = src.ctx.name === dst.right.ctx.name;
  const plans: MovePlan[] = [];
  for (const [disk, meta] of view.right.records) {
    const p = sameHost
      ? E.right<never, MovePlan>({ disk, from: meta, to: { ...meta, size: Math.max(meta.size, flavorSize(req.flavor, disk)) }, action: 'keep' })
      : planMove(req.instance, disk, meta, dst.right.ctx.options, flavorSize(req.flavor, disk), req.kind === 'evacuate');
    if (E.isLeft(p)) return p;
    plans.push(p.right);
  }
  const saved = await run(deps.metadata.saveAll(req.instance, plans.map((p) => ({ disk: p.disk, meta: p.to }))));
  if (E.isLeft(saved)) return saved;
  const placed = await sequence(plans, (p) => place(deps, src, dst.right, req.instance, p));
  if (E.isLeft(placed)) {
    await sequence(plans.filter((p) => p.action !== 'keep' && !sameHost), (p) => run(dst.right.realizer.remove(req.instance, p.disk, p.to)));
    await run(deps.metadata.saveAll(req.instance, plans.map((p) => ({ disk: p.disk, meta: p.from }))));
    return placed;
  }
  const moved = await run(deps.repository.setHost(req.instance, req.to));
  if (E.isLeft(moved)) return moved;
  if (sameHost || req.kind === 'evacuate') return E.right(undefined);
  return sequence(plans.filter((p) => p.action !== 'keep'), (p) => run(src.realizer.remove(req.instance, p.disk, p.from)));
};
