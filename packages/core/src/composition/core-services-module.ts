import { ContainerModule } from 'inversify';
import { DiskInfoFacts } from '../services/disk-info-facts.js';
import { DiskRealizer } from '../services/disk-realizer.js';
import { DiskMaker } from '../services/disk-maker.js';
import { RecordedDiskReader } from '../services/recorded-disk-reader.js';
import { ImageBackend } from '../services/image-backend.js';
import { LegacyAdoption } from '../services/legacy-adoption.js';
import { TOKENS } from '../tokens.js';

/**
 * The host-scoped services, one set per host container. They need the ports
 * bound by an adapter module (this host's), and the repository and the
 * metadata service, which are fleet-wide and bound once in the parent.
 */
export const hostServicesModule = new ContainerModule(({ bind }) => {
  bind(RecordedDiskReader).toSelf().inSingletonScope();
  bind(DiskMaker).toSelf().inSingletonScope();
  bind(DiskRealizer).toSelf().inSingletonScope();
  bind(LegacyAdoption).toSelf().inSingletonScope();
  bind(ImageBackend).toSelf().inSingletonScope();
  bind(TOKENS.LegacyHostFacts).to(DiskInfoFacts).inSingletonScope();
});
