import 'reflect-metadata';
import { main } from './main.js';

/** Process entry of the `disk-ledger` bin. */
process.exitCode = await main(process.argv);
