/** The report of one replay in one mode: the `--json` object of SCENARIO-FORMAT.md. */
export interface StepReport {
  readonly index: number;
  readonly op: string;
  readonly outcome: 'ok' | 'error';
  readonly ms: number;
  readonly error?: { readonly code: string; readonly message: string };
}

export interface Counters {
  readonly probes: number;
  readonly leaks: number;
  readonly commands: number;
  readonly dbRoundTrips: number;
  /** In metadata mode only: probes and leaks of the steps the classic driver ran (legacy boots, hosts not yet upgraded), not counted above. */
  readonly classic?: ClassicCounts;
}

/** Probes and leaks of the classic driver, counted apart. */
export interface ClassicCounts {
  readonly probes: number;
  readonly leaks: number;
}

/**
 * The argv a probe reports. One outside any command is a VM's qemu opening a
 * file with no format named (a backing file without a stored format): its
 * argv is that open, so that every probe shows the command line that guessed.
 */
export const probeArgv = (argv: readonly string[] | null, image: string): readonly string[] => argv ?? ['qemu-system-x86_64', '-drive', `file=${image}`];

export interface ProbeReport {
  readonly step: number | null;
  readonly argv: readonly string[];
  readonly host: string;
  readonly image: string;
}

export interface LeakReport {
  readonly step: number | null;
  readonly secret: string;
  readonly into: string;
  readonly host: string;
  readonly via: string;
}

export interface DiskReport {
  readonly instance: string;
  readonly disk: string;
  readonly host: string;
  readonly backend: string;
  readonly format: string;
  readonly size: number;
  readonly location: string;
  readonly provenance: string | null;
  /** Whether the host holds the disk. */
  readonly present: boolean;
}

export interface ExpectationReport {
  readonly what: string;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly ok: boolean;
}

export interface RunReport {
  readonly scenario: string;
  readonly mode: 'metadata' | 'legacy';
  readonly host: 'fake' | 'real';
  readonly steps: readonly StepReport[];
  readonly counters: Counters;
  readonly probes: readonly ProbeReport[];
  readonly leaks: readonly LeakReport[];
  readonly disks: readonly DiskReport[];
  readonly expectations: readonly ExpectationReport[];
  /** Whether every expectation that applies to this mode holds. */
  readonly ok: boolean;
}
