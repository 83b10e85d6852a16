/**
 * What the fake cluster records: every command run, every format probe, every
 * leak of a host secret. Records hold references to the argv they concern,
 * never copies, to keep long simulations small.
 */
import type { Argv, ResourceLimits } from '@disk-ledger/domain';
import type { ProbedFormat } from '../content/data.js';

/** A caller-set label for "where we are" (a scenario step index, a test phase). */
export type StepTag = string | number | null;

/** How a command ended. */
export type CommandOutcome = 'ok' | 'failed' | 'unsupported' | 'injected-failure' | 'crashed';

/** One command, as the executor received it. */
export interface CommandRecord {
  /** Position in the cluster's command sequence, from 1. */
  readonly seq: number;
  readonly host: string;
  readonly step: StepTag;
  readonly argv: Argv;
  /** The limits it was asked to run under (recorded, not enforced). */
  readonly limits: ResourceLimits | null;
  readonly outcome: CommandOutcome;
  readonly exitCode: number | null;
}

/** A format decided from content. Every one is a defect of the caller (SECURITY.md rule 1). */
export interface ProbeRecord {
  /** The command's `seq`, or `null` when a guest opened the disk. */
  readonly seq: number | null;
  readonly host: string;
  readonly step: StepTag;
  /** The command that probed, or `null` for a guest view. */
  readonly argv: Argv | null;
  /** What was probed: a qemu path or a backing file name as resolved. */
  readonly image: string;
  readonly detected: ProbedFormat;
}

/** How a secret got out. */
/**
 * How a secret got where it was found: a command reading the secret file
 * through a reference (`backing`, `data-file`, `extent`) or copying a base
 * that held a copy of it (`chain`), a guest's view of a disk whose bytes or
 * base hold it (`guest-view`) or that reads the secret file through a
 * reference (`guest-follow`), or an upload.
 */
export type LeakVia = 'backing' | 'data-file' | 'extent' | 'chain' | 'guest-view' | 'guest-follow' | 'upload';

/** A host secret found where it must never be. */
export interface LeakRecord {
  readonly host: string;
  readonly step: StepTag;
  readonly argv: Argv | null;
  /** The secret's host path. */
  readonly secret: string;
  /** The host the secret belongs to. */
  readonly secretHost: string;
  readonly marker: string;
  /** Where it went: a destination qemu path, `guest <host>:<location>`, or `image <id>`. */
  readonly into: string;
  readonly via: LeakVia;
}
