import 'reflect-metadata';
import { main } from './main.js';

// A reader that stops early (`disk-ledger … | head`) closes the pipe: stop quietly, as command-line tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});

/** Process entry of the `disk-ledger` bin. */
process.exitCode = await main(process.argv);
