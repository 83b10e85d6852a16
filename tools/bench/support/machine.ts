import os from 'node:os';

/** Where and when a benchmark ran; numbers mean little without it. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly date: string;
}

/** Describe this machine now. */
export const describeMachine = (): Machine => {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
};

/** One line: `Intel Xeon … · 2 cores · 7.8 GiB · Node v20.20.2`. */
export const formatMachine = (m: Machine): string =>
  `${m.cpu} · ${m.cores} cores · ${m.memoryGiB} GiB · Node ${m.node}`;
