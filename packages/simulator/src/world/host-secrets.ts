/**
 * The secret files every host holds: each path any host of the scenario
 * names. A path such as `/etc/shadow` is on every real host, with its own
 * bytes; declaring it on one host says that it must never leak, not that the
 * other hosts lack it (a classic move that follows a planted header on the
 * destination reads the destination's file).
 */
export const everyHostsSecrets = (hosts: readonly { readonly secrets?: readonly string[] }[]): readonly string[] => [...new Set(hosts.flatMap((h) => h.secrets ?? []))];
