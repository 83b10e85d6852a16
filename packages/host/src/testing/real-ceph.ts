/**
 * Fixtures for running the rbd driver on a real Ceph cluster: where the
 * cluster is (the environment, else the file tools/ceph/start.sh writes),
 * a `describe` that runs only when there is one (failing under CI, skipping
 * loudly, with the reason in its name, elsewhere), and a contract harness
 * whose images carry a prefix unique to the run and are removed afterwards.
 *
 * A driver without a client of its own names no ceph.conf and no client id
 * in its argvs: `rbd` and qemu-img's rbd driver (librados) find the cluster
 * through `CEPH_CONF`, or /etc/ceph/ceph.conf when it is unset, with the
 * default client.admin. One given a client names both in every argv.
 */
import { readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import { describe, it } from 'vitest';
import { volumeName, type ByteSize, type HostPath, type VolumeName } from '@disk-ledger/domain';
import { ExecaCommandExecutor } from '../execa-command-executor.js';
import { NodeHostFiles } from '../node-host-files.js';
import type { RbdClient } from '../qemu-path.js';
import { RbdDriver } from '../rbd-driver.js';
import { EnvExecutor } from './env-executor.js';
import type { DiskDriverHarness } from './disk-driver-contract.js';
import { sh, tempDir, writeBase } from './real-host.js';

/** The file tools/ceph/start.sh writes. */
export const CEPH_ENV_FILE = '/tmp/disk-ledger-ceph.env';
/** The variable naming the pool the tests may fill; its presence is what turns the suites on. */
export const POOL_VARIABLE = 'DISK_LEDGER_RBD_POOL';
/** The variable librados reads for the path of ceph.conf. */
export const CONF_VARIABLE = 'CEPH_CONF';

/** A cluster the tests may use: a pool, and the ceph.conf that reaches it (librados's default when `undefined`). */
export interface CephCluster {
  readonly pool: VolumeName;
  readonly conf: string | undefined;
}

const fromFile = (): ReadonlyMap<string, string> => {
  let text: string;
  try {
    text = readFileSync(CEPH_ENV_FILE, 'utf8');
  } catch {
    return new Map();
  }
  const found = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(?:export\s+)?([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) found.set(match[1], match[2].replace(/^['"]|['"]$/g, ''));
  }
  return found;
};

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

/**
 * The configured cluster: `DISK_LEDGER_RBD_POOL` (and `CEPH_CONF`) from the
 * environment, else both from tools/ceph/start.sh's env file; `undefined`
 * when neither names a pool.
 */
export const cephCluster = (): CephCluster | undefined => {
  const envPool = nonEmpty(process.env[POOL_VARIABLE]);
  const file = envPool === undefined ? fromFile() : new Map<string, string>();
  const poolText = envPool ?? nonEmpty(file.get(POOL_VARIABLE));
  if (poolText === undefined) return undefined;
  const pool = volumeName(poolText, POOL_VARIABLE);
  if (E.isLeft(pool)) throw new Error(`${POOL_VARIABLE}: ${pool.left.message}`);
  return { pool: pool.right, conf: envPool === undefined ? nonEmpty(file.get(CONF_VARIABLE)) : nonEmpty(process.env[CONF_VARIABLE]) };
};

const isCi = (): boolean => process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

/**
 * `describe(title, body(cluster))` when a cluster is configured; otherwise a
 * failing test under CI (which always provides one), and elsewhere a loud
 * skip whose name says what is missing. A cluster found only in the env file
 * has its ceph.conf exported to this worker's environment, which the
 * executor passes on to `rbd` and qemu-img.
 */
export const describeWithCeph = (title: string, body: (cluster: CephCluster) => void): void => {
  const cluster = cephCluster();
  if (cluster !== undefined) {
    if (cluster.conf !== undefined) process.env[CONF_VARIABLE] = cluster.conf;
    describe(title, () => body(cluster));
    return;
  }
  const why = `needs a Ceph cluster: set ${POOL_VARIABLE} (and ${CONF_VARIABLE}), or run \`bash tools/ceph/start.sh\` (writes ${CEPH_ENV_FILE})`;
  if (isCi()) {
    describe(title, () => {
      it('has a Ceph cluster to run on', () => {
        throw new Error(`${title} ${why}`);
      });
    });
    return;
  }
  process.stderr.write(`\n*** SKIPPING ${title}: ${why} ***\n\n`);
  describe.skip(`${title} (skipped: ${why})`, () => {
    it('runs on a real cluster', () => undefined);
  });
};

/** A prefix for this run's image names: reruns and parallel runs on one pool never collide. */
export const runPrefix = (label: string): string => `dl-${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-`;

/** Run `rbd` for a fixture (not through the code under test); throws on failure. */
export const rbdTool = (args: readonly string[]): Promise<string> => sh('rbd', args);

/** The names of `pool`'s images that begin with `prefix`; throws when `rbd ls` prints no list. */
export const imagesWith = async (pool: VolumeName, prefix: string): Promise<string[]> => {
  const names = JSON.parse(await rbdTool(['ls', '--format', 'json', pool])) as unknown;
  if (!Array.isArray(names)) throw new Error(`rbd ls printed ${JSON.stringify(names)}`);
  return names.filter((n): n is string => typeof n === 'string' && n.startsWith(prefix));
};

/** Remove every image of `pool` whose name begins with `prefix`; throws when one cannot be removed. */
export const removeImages = async (pool: VolumeName, prefix: string): Promise<void> => {
  for (const name of await imagesWith(pool, prefix)) await rbdTool(['rm', `${pool}/${name}`]);
};

/**
 * A harness for the rbd driver on a real cluster: images `<run prefix><name>`
 * in its pool, bases and exports in a temp dir. With `client`, the driver
 * names it in every argv and the tools' environment names no usable
 * ceph.conf, so only the client's options can reach the cluster.
 */
export const rbdHarness = (cluster: CephCluster, client?: RbdClient) => async (): Promise<DiskDriverHarness> => {
  const prefix = runPrefix('contract');
  const dir = await tempDir('rbd');
  const execa = new ExecaCommandExecutor({ defaultTimeoutMs: 60_000 });
  await fs.mkdir(`${dir}/base`);
  await fs.mkdir(`${dir}/export`);
  return {
    backend: 'rbd',
    format: 'raw',
    executor: client === undefined ? execa : new EnvExecutor(execa, [`${CONF_VARIABLE}=/nonexistent/ceph.conf`]),
    files: new NodeHostFiles(),
    makeDriver: (exec, files) => new RbdDriver(exec, files, client),
    location: (name) => ({ backend: 'rbd', pool: cluster.pool, image: `${prefix}${name}` as VolumeName }),
    makeBase: (name, f, size, head) => writeBase(`${dir}/base` as HostPath, name, f, size as ByteSize, head),
    exportDir: `${dir}/export` as HostPath,
    content: true,
    cleanup: async () => {
      await fs.rm(dir, { recursive: true, force: true });
      await removeImages(cluster.pool, prefix);
    },
  };
};
