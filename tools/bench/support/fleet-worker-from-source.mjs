// The fleet's worker thread run from the TypeScript sources. Node 20 does not
// apply the parent's `--import tsx` hooks to a worker's entry, so the worker
// registers tsx itself before importing the real entry.
import { register } from 'tsx/esm/api';

register();
await import('../../../packages/simulator/src/cli/fleet-worker.ts');
