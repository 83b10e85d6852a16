import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The built bin. */
export const BIN = fileURLToPath(new URL('../../packages/simulator/bin/disk-ledger.js', import.meta.url));

/** What a CLI run printed, and how it exited. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the built `disk-ledger` bin in a real child process from the repository root. */
export const runCli = (args: readonly string[], timeoutMs = 120_000, env: NodeJS.ProcessEnv = process.env): Promise<CliRun> =>
  new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
