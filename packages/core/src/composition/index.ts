/**
 * The composition root: container modules per adapter set and the fleet
 * container. Kept apart from the package's main entry so that importing the
 * services never pulls in an adapter.
 *
 * @packageDocumentation
 */
export * from './core-services-module.js';
export * from './fake-host-module.js';
export * from './real-host-module.js';
export * from './fleet-container.js';
export * from './guarded-ports.js';
