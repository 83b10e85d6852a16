import type { ConfigDriveContents, ConfigDriveFile } from '@disk-ledger/domain';
import * as TE from 'fp-ts/lib/TaskEither.js';

/**
 * What the simulated nova writes to an instance's config drive: its
 * metadata, where nova's `openstack/latest/meta_data.json` holds it. A
 * scenario says only whether an instance has a drive, so both drivers build
 * these, and the metadata driver builds them again from the fleet's port
 * whenever it makes a drive anew.
 */
export const simConfigFiles = (instance: string): readonly ConfigDriveFile[] => [
  { path: 'openstack/latest/meta_data.json', content: JSON.stringify({ uuid: instance, name: instance }) },
];

/** The simulated fleet's `ConfigDriveContents`. */
export const simConfigDrives: ConfigDriveContents = { files: (instance) => TE.right(simConfigFiles(instance)) };
