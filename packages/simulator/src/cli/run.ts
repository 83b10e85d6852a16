import 'reflect-metadata';
import { main } from './main.js';

/** Exit code when standard output cannot be written (sysexits' EX_IOERR): not an expectation that failed (1). */
const OUTPUT_FAILED = 74;

// A reader that stops early (`disk-ledger … | head`) closes the pipe: stop quietly, as command-line tools do. Any other
// failure to write (a full disk) means the output is incomplete: say so, and exit with a code of its own.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`disk-ledger: cannot write to standard output (${e.code ?? e.message}): the output is incomplete\n`);
  process.exit(OUTPUT_FAILED);
});

/** Process entry of the `disk-ledger` bin. */
process.exitCode = await main(process.argv);
