/**
 * A worker thread's entry: run the one fleet cell it is given (see
 * thread-cells.ts), posting its events done as it goes and its summary at
 * the end. It builds the classic driver's model itself: functions do not
 * cross threads.
 */
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { runCell } from '../fleet/cell-run.js';
import type { FleetCell } from '../fleet/cells.js';
import { LegacyDriver } from '../legacy/legacy-driver.js';
import type { CellMessage } from './thread-cells.js';

const port = parentPort;
if (port === null) throw new Error('fleet-worker.js runs only as a worker thread');
const post = (m: CellMessage): void => port.postMessage(m);
// The parent posts exactly the FleetCell that planCells made.
const cell = workerData as FleetCell;
const summary = await runCell(cell, { legacyDriver: (w) => new LegacyDriver(w), onProgress: (done) => post({ kind: 'progress', done }) });
post({ kind: 'done', summary });
