/**
 * Test helpers: run an argv on a host of a fake cluster and get the Either,
 * the stdout of a command that must succeed, or the failure of one that must
 * fail. Test-only (this folder is not built).
 */
import * as E from 'fp-ts/lib/Either.js';
import { hostPath, imageId, volumeName, type Argv, type CommandError, type CommandResult, type DiskLocation, type HostPath, type ImageId, type ResourceLimits } from '@disk-ledger/domain';
import type { FakeCluster } from '../fake-cluster.js';

/** Run `argv` on `host`. */
export const run = (cluster: FakeCluster, host: string, argv: Argv, limits?: ResourceLimits): Promise<E.Either<CommandError, CommandResult>> =>
  cluster.executor(host).run(limits === undefined ? { argv } : { argv, limits })();

/** Run `argv` on `host`; it must succeed. Returns stdout. */
export const ok = async (cluster: FakeCluster, host: string, argv: Argv): Promise<string> => {
  const r = await run(cluster, host, argv);
  if (E.isLeft(r)) throw new Error(`expected success of ${argv.join(' ')}, got ${r.left.message}`);
  return r.right.stdout;
};

/** Run `argv` on `host`; it must fail. Returns the error. */
export const fails = async (cluster: FakeCluster, host: string, argv: Argv): Promise<CommandError> => {
  const r = await run(cluster, host, argv);
  if (E.isRight(r)) throw new Error(`expected failure of ${argv.join(' ')}, got success`);
  return r.left;
};

/** The exit code and stderr of a `CommandFailed`, or the tag of another error. */
export const failure = (e: CommandError): { readonly tag: string; readonly exitCode: number | null; readonly stderr: string } =>
  e._tag === 'CommandFailed' ? { tag: e._tag, exitCode: e.exitCode, stderr: e.stderr } : { tag: e._tag, exitCode: null, stderr: '' };

/** A cluster-wide standard fixture: host `h1` (vg0, pool0, /etc/shadow) and `h2` (vg0, pool0). */
export const standardHosts = {
  hosts: [
    { name: 'h1', volumeGroups: ['vg0'], rbdPools: ['pool0'], secrets: ['/etc/shadow'], directories: ['/var/lib/nova/instances/vm1', '/var/lib/nova/instances/_base'] },
    { name: 'h2', volumeGroups: ['vg0'], rbdPools: ['pool0'], directories: ['/var/lib/nova/instances/vm1'] },
  ],
} as const;

/** Sizes and paths the tests share. */
export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;
export const DIR = '/var/lib/nova/instances/vm1';
export const BASE_DIR = '/var/lib/nova/instances/_base';

const valid = <A>(r: E.Either<{ readonly message: string }, A>): A => {
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

/** A file disk location (flat, qcow2 or ploop), validated. */
export const fileAt = (path: string, backend: 'flat' | 'qcow2' | 'ploop' = 'flat'): DiskLocation => ({ backend, path: valid(hostPath(path)) });
/** An LVM disk location, validated. */
export const lvAt = (vg: string, lv: string): DiskLocation => ({ backend: 'lvm', vg: valid(volumeName(vg)), lv: valid(volumeName(lv)) });
/** An RBD disk location, validated. */
export const rbdAt = (pool: string, image: string): DiskLocation => ({ backend: 'rbd', pool: valid(volumeName(pool)), image: valid(volumeName(image)) });
/** A validated host path. */
export const pathOf = (path: string): HostPath => valid(hostPath(path));
/** A validated image id. */
export const imageIdOf = (id: string): ImageId => valid(imageId(id));
