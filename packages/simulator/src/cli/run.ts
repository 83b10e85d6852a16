import 'reflect-metadata';
import { main } from './main.js';

/** Exit code when standard output cannot be written (sysexits' EX_IOERR): not an expectation that failed (1). */
const OUTPUT_FAILED = 74;

let outputFailed = false;
// A reader that stops early (`disk-ledger … | head`) closes the pipe: stop quietly, as command-line tools do. Any other
// failure to write (a full disk) means the output is incomplete: say so, and exit with a code of its own unless the
// command's own says more (2 for invalid input, 70 for a bug).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  if (outputFailed) return;
  outputFailed = true;
  process.stderr.write(`disk-ledger: cannot write to standard output (${e.code ?? e.message}): the output is incomplete\n`);
  if ((process.exitCode ?? 0) === 0) process.exitCode = OUTPUT_FAILED;
});

/** Process entry of the `disk-ledger` bin. */
const code = await main(process.argv);
process.exitCode = outputFailed && code === 0 ? OUTPUT_FAILED : code;
