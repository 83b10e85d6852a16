/* global process, console, URL */
// Where one fleet cell's time goes, layer by layer: `node tools/bench/fleet-layers.mjs [instances] [events] [--methods]`
// (after `pnpm build`). Methods of each layer are wrapped to time their calls; a cell runs one event at a time, so the
// wall time between a call's start and its settling is that call's own (the wrappers add about 5 %). A layer's time
// includes the layers it calls: the disk drivers' includes the commands they run. Nested calls of one layer count once.
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';

const dist = (p) => import(new URL(`../../packages/${p}`, import.meta.url).href);
const { runCell } = await dist('simulator/dist/fleet/cell-run.js');
const { planCells } = await dist('simulator/dist/fleet/cells.js');
const { LegacyDriver } = await dist('simulator/dist/legacy/legacy-driver.js');
const { MetadataDriver } = await dist('simulator/dist/replay/metadata-driver.js');
const { Census } = await dist('simulator/dist/fleet/census.js');
const { EventGenerator } = await dist('simulator/dist/fleet/event-generator.js');
const { InstanceLifecycle } = await dist('core/dist/lifecycle/instance-lifecycle.js');
const { HostBaseImageCache } = await dist('host/dist/index.js');
const drivers = await Promise.all(['checked-disk-driver', 'file-disk-driver', 'sized-volume-driver', 'flat-driver', 'qcow2-driver', 'lvm-driver', 'rbd-driver', 'ploop-driver'].map((f) => dist(`host/dist/${f}.js`)));
const { FakeCommandExecutor, FakeHostFiles, InMemoryBlockDeviceMappingRepository } = await dist('fake/dist/index.js');

const [instances = 10000, events = 100000] = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);
const perMethod = process.argv.includes('--methods');
const ms = new Map();
const calls = new Map();
const active = new Map();

/** Time `proto[name]`'s calls under `label`: a promise until it settles, a TaskEither's task until its promise does. */
const wrap = (proto, name, layer) => {
  const f = proto[name];
  if (typeof f !== 'function') return;
  const label = perMethod ? `${layer}.${name}` : layer;
  const timed = async (run) => {
    const outer = (active.get(label) ?? 0) === 0;
    active.set(label, (active.get(label) ?? 0) + 1);
    const t0 = performance.now();
    try {
      return await run();
    } finally {
      active.set(label, active.get(label) - 1);
      if (outer) {
        ms.set(label, (ms.get(label) ?? 0) + performance.now() - t0);
        calls.set(label, (calls.get(label) ?? 0) + 1);
      }
    }
  };
  proto[name] = function (...args) {
    const t0 = performance.now();
    const r = f.apply(this, args);
    // Every wrapped method that returns a function returns a TaskEither (a task taking no argument).
    if (typeof r === 'function') return () => timed(r);
    if (r !== null && typeof r === 'object' && typeof r.then === 'function') return timed(() => r);
    if ((active.get(label) ?? 0) === 0) {
      ms.set(label, (ms.get(label) ?? 0) + performance.now() - t0);
      calls.set(label, (calls.get(label) ?? 0) + 1);
    }
    return r;
  };
};
const methods = (cls) => Object.getOwnPropertyNames(cls.prototype).filter((m) => m !== 'constructor' && typeof Object.getOwnPropertyDescriptor(cls.prototype, m)?.value === 'function');
const wrapAll = (cls, layer, except = []) => methods(cls).filter((m) => !except.includes(m)).forEach((m) => wrap(cls.prototype, m, layer));

wrapAll(InstanceLifecycle, 'lifecycle', ['locked']);
for (const module of drivers) for (const cls of Object.values(module)) if (typeof cls === 'function' && /^class /.test(String(cls))) wrapAll(cls, 'disk drivers');
wrapAll(HostBaseImageCache, 'base-image cache');
wrapAll(FakeCommandExecutor, 'commands (emulated)');
wrapAll(FakeHostFiles, 'host files');
wrapAll(InMemoryBlockDeviceMappingRepository, 'database', ['archiveDeleted', 'failNext', 'clearFault']);
wrapAll(LegacyDriver, 'classic driver model', ['hostsBack']);
wrap(MetadataDriver.prototype, 'startGuest', 'guest starts');
wrap(Census.prototype, 'flush', 'census');
wrap(EventGenerator.prototype, 'next', 'event generator');

const cell = planCells({ hosts: 50, instances, events, seed: 1, mode: 'metadata' });
if (cell._tag === 'Left' || cell.right[0] === undefined) throw new Error(String(cell.left));
const t0 = performance.now();
await runCell(cell.right[0], { legacyDriver: (w) => new LegacyDriver(w) });
const total = performance.now() - t0;
console.log(`one cell, ${instances} instances, ${events} events: ${(total / 1000).toFixed(1)} s`);
console.log(`${'layer'.padEnd(34)} ${'ms'.padStart(7)} ${'share'.padStart(6)} ${'calls'.padStart(9)} ${'per call'.padStart(9)} ${'per event'.padStart(9)}`);
for (const [k, v] of [...ms].sort((a, b) => b[1] - a[1])) {
  const n = calls.get(k) ?? 0;
  console.log(`${k.padEnd(34)} ${v.toFixed(0).padStart(7)} ${`${((100 * v) / total).toFixed(1)}%`.padStart(6)} ${String(n).padStart(9)} ${`${((1000 * v) / n).toFixed(1)}µs`.padStart(9)} ${(n / events).toFixed(2).padStart(9)}`);
}
