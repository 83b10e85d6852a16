/** The sizes a flavor gives an instance's local disks, in bytes (0: no such disk; root 0: the image's size). */
export interface Flavor {
  readonly root: number;
  readonly ephemeral: number;
  readonly swap: number;
}
