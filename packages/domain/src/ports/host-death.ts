/**
 * A throw that stands for the host's own death: the process running the
 * operation died part-way, so nothing after that point runs and no value
 * comes back. Test hosts crash this way (the in-memory host's injected
 * crashes, a host taken down). The guards that turn a port's throw into
 * its failure value let such a throw through: a dead process has no
 * failure to return, and the operation is finished by the next one to
 * reach the instance, as after a real crash.
 */
export const HOST_DEATH: unique symbol = Symbol.for('disk-ledger.host-death');

/** A thrown value marked as the host's death. */
export interface HostDeath {
  readonly [HOST_DEATH]: true;
}

/** Whether a thrown value is marked as the host's death. */
export const isHostDeath = (thrown: unknown): thrown is HostDeath =>
  typeof thrown === 'object' && thrown !== null && (thrown as Partial<HostDeath>)[HOST_DEATH] === true;
