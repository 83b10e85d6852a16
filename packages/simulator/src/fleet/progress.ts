/**
 * Progress of a fleet run: a redrawn bar on a terminal, and plain lines
 * (one about every 10 % of the events) anywhere else, such as a CI log,
 * where a redrawn bar would be noise.
 */
import cliProgress from 'cli-progress';
import { performance } from 'node:perf_hooks';
import { count } from './summary-text.js';

// ---- types

/** Where progress goes (stderr, so that `--json` keeps stdout clean). */
export interface ProgressStream extends NodeJS.WritableStream {
  readonly isTTY?: boolean;
}

/** Reports progress; `stop` once the run is over. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

// ---- constructors

const rate = (done: number, since: number): number => {
  const s = (performance.now() - since) / 1000;
  return s > 0 ? done / s : 0;
};

/** A bar redrawn in place, for a terminal. */
const bar = (stream: ProgressStream, total: number): Progress => {
  const started = performance.now();
  const b = new cliProgress.SingleBar(
    {
      stream,
      format: 'fleet |{bar}| {percentage}% | {done}/{all} events | {eps} events/s | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  // The bar hides the cursor and turns line wrapping off: a Ctrl-C must give both back before the signal ends the run.
  const restore = (signal: NodeJS.Signals): void => {
    b.stop();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', restore);
  process.once('SIGTERM', restore);
  b.start(total, 0, { eps: '0', done: '0', all: count(total) });
  return {
    update: (done) => b.update(done, { eps: count(rate(done, started)), done: count(done) }),
    stop: () => {
      process.off('SIGINT', restore);
      process.off('SIGTERM', restore);
      b.stop();
    },
  };
};

/** A line each time another tenth of the events is done. */
const lines = (stream: ProgressStream, total: number): Progress => {
  const started = performance.now();
  let reported = 0;
  return {
    update: (done) => {
      const tenth = Math.floor((done * 10) / total);
      if (tenth <= reported) return;
      reported = tenth;
      stream.write(`fleet: ${Math.floor((done * 100) / total)}% (${count(done)}/${count(total)} events, ${count(rate(done, started))} events/s)\n`);
    },
    stop: () => undefined,
  };
};

/** The progress reporter for `stream`: a bar on a terminal, plain lines otherwise. */
export const progressFor = (stream: ProgressStream, total: number): Progress =>
  stream.isTTY === true ? bar(stream, total) : lines(stream, total);
