import { describeBdmRepositoryContract } from '../../fake/src/testing/bdm-repository-contract.js';
import { forEachBackend } from './testing/backends.js';
import { seedAccess } from './testing/seed.js';

// The port's contract, shared with the in-memory repository, on every database.
forEachBackend('SqlBlockDeviceMappingRepository', (backend) => {
  describeBdmRepositoryContract(`SqlBlockDeviceMappingRepository on ${backend.name}`, async () => {
    const test = await backend.open();
    return { repo: test.database.repository, seed: seedAccess(test.database.db, test.database.flavour), close: test.dispose };
  });
});
