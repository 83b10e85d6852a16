/**
 * A throw that stands for the death of the process running the operation:
 * nothing after that point runs and no value comes back. Test hosts crash
 * this way (the in-memory host's injected crashes). The guards that turn a
 * port's throw into its failure value let such a throw through: a dead
 * process has no failure to return, and the operation is finished by the
 * next one to reach the instance, as after a real crash. Another host
 * being unreachable is not one: that is a failure the operation sees.
 */
export const HOST_DEATH: unique symbol = Symbol.for('disk-ledger.host-death');

/** A thrown value marked as the host's death. */
export interface HostDeath {
  readonly [HOST_DEATH]: true;
}

/** Whether a thrown value is marked as the host's death. */
export const isHostDeath = (thrown: unknown): thrown is HostDeath =>
  typeof thrown === 'object' && thrown !== null && (thrown as Partial<HostDeath>)[HOST_DEATH] === true;
