import { Bench } from 'tinybench';

/** Options of {@link compareRates}. */
export interface RateOptions {
  /** Calls per timed sample; batching keeps timer overhead out of microsecond operations. */
  readonly batch: number;
  /** Time budget per task per round, in milliseconds. */
  readonly timeMs: number;
  /** Alternating rounds; the median is kept so one noisy round cannot decide. */
  readonly rounds: number;
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Operations per second of `baseline` and `subject`, measured with tinybench
 * in the same process, alternating which runs first in each round.
 */
export const compareRates = async (
  baseline: () => void,
  subject: () => void,
  { batch, timeMs, rounds }: RateOptions,
): Promise<{ baseline: number; subject: number }> => {
  const rates: Record<'baseline' | 'subject', number[]> = { baseline: [], subject: [] };
  const tasks = { baseline, subject };
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? (['baseline', 'subject'] as const) : (['subject', 'baseline'] as const);
    const bench = new Bench({ time: timeMs, warmupTime: Math.min(timeMs, 250) });
    for (const name of order) {
      const fn = tasks[name];
      bench.add(name, () => {
        for (let i = 0; i < batch; i += 1) fn();
      });
    }
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== 'completed') throw new Error(`benchmark task ${task.name} ended ${result.state}`);
      const name = task.name === 'baseline' ? 'baseline' : 'subject';
      rates[name].push((batch * 1000) / result.period);
    }
  }
  return { baseline: median(rates.baseline), subject: median(rates.subject) };
};
