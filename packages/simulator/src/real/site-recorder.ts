/**
 * What a real site records, shared by all its hosts: the step every record
 * is tagged with, how many commands ran, the probes and leaks seen, and
 * which hosts are armed to crash after their next command.
 */
import type { SiteLeak, SiteProbe } from '../world/site.js';

export class SiteRecorder {
  step: number | null = null;
  private commands = 0;
  private readonly probeLog: SiteProbe[] = [];
  private readonly leakLog: SiteLeak[] = [];
  private readonly leakKeys = new Set<string>();
  private readonly crashing = new Set<string>();

  get commandCount(): number {
    return this.commands;
  }

  /** Count one command. */
  countCommand(): void {
    this.commands += 1;
  }

  probe(host: string, argv: readonly string[] | null, image: string): void {
    this.probeLog.push({ step: this.step, host, argv, image });
  }

  /**
   * Record a leak; with `once`, a secret already seen in the same place (a guest view repeated) is not recorded
   * again, whichever step's marker it holds (a guest that follows a backing file shows the current one each time).
   */
  leak(leak: Omit<SiteLeak, 'step'>, once: boolean): void {
    const key = `${leak.secretHost}\u0000${leak.secret}\u0000${leak.into}`;
    if (once && this.leakKeys.has(key)) return;
    this.leakKeys.add(key);
    this.leakLog.push({ ...leak, step: this.step });
  }

  probes(): readonly SiteProbe[] {
    return this.probeLog;
  }

  leaks(): readonly SiteLeak[] {
    return this.leakLog;
  }

  armCrash(host: string): void {
    this.crashing.add(host);
  }

  /** Whether the host's next command is its last; disarms it. */
  takeCrash(host: string): boolean {
    return this.crashing.delete(host);
  }

  clearFaults(): void {
    this.crashing.clear();
  }
}
