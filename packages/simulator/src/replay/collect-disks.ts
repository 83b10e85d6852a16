import type { DiskReport } from '../report/run-report.js';
import { instanceDisks } from '../world/disk-view.js';
import type { SimWorld } from '../world/sim-world.js';

/** The final facts of every disk of every instance, with whether its host holds it. */
export const collectDisks = async (world: SimWorld): Promise<DiskReport[]> => {
  const out: DiskReport[] = [];
  for (const id of [...world.instances.keys()].sort()) {
    for (const d of await instanceDisks(world, id)) {
      out.push({
        instance: d.instance, disk: d.disk, host: d.host, backend: d.backend, format: d.format, size: d.size,
        location: d.location, provenance: d.provenance, present: await world.site.diskPresent(d.host, d.address),
      });
    }
  }
  return out;
};
