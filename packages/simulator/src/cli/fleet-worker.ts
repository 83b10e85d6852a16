/**
 * A worker thread's entry: run each fleet cell the parent posts (see
 * thread-cells.ts), one at a time, posting its events done as it goes and
 * its summary at the end; stop when told there are no more. It builds the
 * classic driver's model itself: functions do not cross threads.
 */
import 'reflect-metadata';
import { parentPort } from 'node:worker_threads';
import { runCell } from '../fleet/cell-run.js';
import { LegacyDriver } from '../legacy/legacy-driver.js';
import type { CellMessage, WorkerOrder } from './thread-cells.js';

const port = parentPort;
if (port === null) throw new Error('fleet-worker.js runs only as a worker thread');
const post = (m: CellMessage): void => port.postMessage(m);
// The parent posts only WorkerOrders, the next cell once the last one's summary is in.
port.on('message', (order: WorkerOrder) => {
  if (order.kind === 'stop') return port.close();
  const cell = order.cell;
  void runCell(cell, { legacyDriver: (w) => new LegacyDriver(w), onProgress: (done) => post({ kind: 'progress', cell: cell.index, done }) }).then((summary) =>
    post({ kind: 'done', cell: cell.index, summary }),
  );
});
