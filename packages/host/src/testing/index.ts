/**
 * Test support shared with other adapters' suites: the `DiskDriver`
 * contract, recording/scripted doubles of the ports, and the argv check
 * that every qemu-img command names every format. Not part of the build.
 */
export * from './disk-driver-contract.js';
export * from './recording-executor.js';
export * from './argv-checks.js';
export * from './memory-files.js';
export * from './bad-inputs.js';
export * from './expect-result.js';
