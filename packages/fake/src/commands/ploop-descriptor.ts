/**
 * `DiskDescriptor.xml`, the file that makes a directory a ploop disk: the
 * disk size in sectors, the image file and whether it is a ploop1 image or a
 * plain (raw) one. Written and read back by the emulated `ploop`.
 */

/** What the descriptor says. */
export interface PloopDescriptor {
  readonly sizeBytes: number;
  /** The image file name, relative to the descriptor's directory. */
  readonly image: string;
  readonly raw: boolean;
}

/** The descriptor's file name in a ploop disk directory. */
export const DESCRIPTOR_NAME = 'DiskDescriptor.xml';
// The GUID ploop gives every base image.
const BASE_GUID = '{5fbaabe3-6958-40ff-92a7-860e329aab41}';

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescapeXml = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The descriptor's XML. */
export const descriptorText = (d: PloopDescriptor): string => {
  const sectors = Math.ceil(d.sizeBytes / 512);
  return [
    "<?xml version='1.0' encoding='UTF-8'?>",
    '<Parallels_disk_image Version="1.0">',
    '  <Disk_Parameters>',
    `    <Disk_size>${sectors}</Disk_size>`,
    `    <Cylinders>${Math.floor(sectors / (16 * 63))}</Cylinders>`,
    '    <Heads>16</Heads>',
    '    <Sectors>63</Sectors>',
    '    <Padding>0</Padding>',
    '  </Disk_Parameters>',
    '  <StorageData>',
    '    <Storage>',
    '      <Start>0</Start>',
    `      <End>${sectors}</End>`,
    '      <Blocksize>2048</Blocksize>',
    '      <Image>',
    `        <GUID>${BASE_GUID}</GUID>`,
    `        <Type>${d.raw ? 'Plain' : 'Compressed'}</Type>`,
    `        <File>${escapeXml(d.image)}</File>`,
    '      </Image>',
    '    </Storage>',
    '  </StorageData>',
    '  <Snapshots>',
    `    <TopGUID>${BASE_GUID}</TopGUID>`,
    '  </Snapshots>',
    '</Parallels_disk_image>',
    '',
  ].join('\n');
};

const field = (text: string, tag: string): string | null => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(text)?.[1] ?? null;

/** Read a descriptor back; `null` when the text is not one. */
export const parseDescriptor = (text: string): PloopDescriptor | null => {
  const size = field(text, 'Disk_size');
  const image = field(text, 'File');
  const type = field(text, 'Type');
  if (size === null || !/^[0-9]+$/.test(size) || image === null || image === '' || (type !== 'Plain' && type !== 'Compressed')) return null;
  return { sizeBytes: Number(size) * 512, image: unescapeXml(image), raw: type === 'Plain' };
};
