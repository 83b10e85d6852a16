/**
 * Where a replay's hosts live: the in-memory cluster (`FakeSite`) or real
 * files and real qemu-img in a temporary directory (`RealSite`). A site
 * gives each host its ports (commands, files, images), its instances path
 * and the adapters module its services run on; it tags, counts and
 * observes what happens there (format probes, secrets reaching a guest or
 * an uploaded image), plays the guest (a write at offset 0, a VM opening a
 * disk) and injects the crash of a host.
 */
import type { HostContext } from '@disk-ledger/core';
import type { fakeHostModule } from '@disk-ledger/core/composition';
import type {
  CommandExecutor,
  DiskDrivers,
  DiskFormat,
  DiskLocation,
  DiskTransfer,
  HostFiles,
  HostPath,
  ImageService,
} from '@disk-ledger/domain';
import type { GuestContent, QemuFormat } from '@disk-ledger/fake';

/** The container module binding one host's adapters, as the fleet takes it. */
export type HostModule = ReturnType<typeof fakeHostModule>;

/** Which kind of host a site is; the report's `host` field. */
export type SiteKind = 'fake' | 'real';

/** A format decided from content: a command that left a format out, or a VM opening a backing file with no stored format. */
export interface SiteProbe {
  /** The step it happened in, `null` outside any step. */
  readonly step: number | null;
  readonly host: string;
  /** The command, or `null` when a guest opened the disk. */
  readonly argv: readonly string[] | null;
  /** What was probed: a qemu path, or a backing file name. */
  readonly image: string;
}

/** A host secret found where it must never be: a guest-visible disk or an uploaded image. */
export interface SiteLeak {
  readonly step: number | null;
  /** The host the leak happened on. */
  readonly host: string;
  /** The secret's host path, and the host it belongs to. */
  readonly secret: string;
  readonly secretHost: string;
  /** The unique marker the secret's bytes hold. */
  readonly marker: string;
  /** `guest <host>:<location>`, `image <id>` or a destination the fake saw a command write. */
  readonly into: string;
  readonly via: string;
}

/** A format a VM opens a disk with: a recorded one, or whatever the classic driver resolved. */
export type GuestFormat = DiskFormat | QemuFormat;

/** Whether a guest act happened, or why it could not (no VM runs on a disk that does not open). */
export type GuestOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** Which images a host admits beyond raw and qcow2. */
export interface HostImagePolicy {
  /** vmdk images (monolithicSparse/streamOptimized only): a host config's `allow_vmdk`. */
  readonly allowVmdk: boolean;
}

/** What a replay needs from the hosts it runs on. */
export interface Site {
  readonly kind: SiteKind;

  // -- ports and wiring

  /** nova's `instances_path` on a host. */
  instancesPath(host: string): HostPath;
  /**
   * The adapters of a host for its context as it is now (a host the operator
   * reconfigures gets a new one). The fake also gives the host the volume
   * group or pool its options name.
   */
  hostModule(ctx: HostContext, images: HostImagePolicy): HostModule;
  executor(host: string): CommandExecutor;
  files(host: string): HostFiles;
  imageService(host: string): ImageService;
  /** The host drivers over the host's ports, for acts outside the lifecycle (a vanished disk, a returning host). */
  drivers(host: string): DiskDrivers;
  /** Byte-for-byte copies between hosts. */
  readonly transfer: DiskTransfer;

  // -- control

  /** Tag everything recorded from now on with a step index. */
  setStep(step: number | null): void;
  /** `text` (an error message) with this site's own paths written as the in-memory host names them, so reports read alike on every site. */
  shown(text: string): string;
  /** The host dies right after its next command has taken effect: that command's task rejects with an injected crash. */
  armCrash(host: string): void;
  /** Drop every armed crash. */
  clearFaults(): void;

  // -- the guest

  /** The guest of the disk, opened as `format`, writes `content` at offset 0 of what it sees. */
  guestWrite(host: string, address: DiskLocation, format: GuestFormat, content: GuestContent): Promise<GuestOutcome>;
  /** A VM opens the disk as `format`: a secret it then shows its guest is a leak, a backing file it opens without a stored format a probe. */
  guestView(host: string, address: DiskLocation, format: GuestFormat): Promise<GuestOutcome>;
  /** Whether the host holds a disk at `address` (asked without opening it as an image). */
  diskPresent(host: string, address: DiskLocation): Promise<boolean>;

  // -- what was seen

  probes(): readonly SiteProbe[];
  leaks(): readonly SiteLeak[];
  /** Commands run through the hosts' executors. */
  readonly commandCount: number;

  /** Let go of whatever the site holds (a temporary directory). */
  close(): Promise<void>;
}
