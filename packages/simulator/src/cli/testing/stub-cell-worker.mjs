// A stand-in for fleet-worker.js below thread-cells' protocol: it answers each cell with a "summary" naming the cell
// and the thread that ran it, or dies on a cell whose seed is 13. Test-only.
import { parentPort, threadId } from 'node:worker_threads';

parentPort.on('message', (order) => {
  if (order.kind === 'stop') return parentPort.close();
  const cell = order.cell;
  if (cell.options.seed === 13) throw new Error('cell 13 is unlucky');
  parentPort.postMessage({ kind: 'progress', cell: cell.index, done: 1 });
  parentPort.postMessage({ kind: 'done', cell: cell.index, summary: { cell: cell.index, threadId } });
});
