/**
 * Small byte helpers over Uint8Array and DataView. The domain compiles with
 * the ES library alone (no Node or DOM types), so there is no Buffer and no
 * TextEncoder here.
 */

const REPLACEMENT = 0xfffd;

/** UTF-8 bytes of `text`; a lone surrogate becomes U+FFFD, as TextEncoder does. */
export const utf8 = (text: string): Uint8Array => {
  const out: number[] = [];
  for (const ch of text) {
    let cp = ch.codePointAt(0) ?? REPLACEMENT;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = REPLACEMENT;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
};

/**
 * Bytes as text, one character per byte (Latin-1). Used to read descriptors
 * for checks: every ASCII byte, including `/` and `"`, keeps its meaning, and
 * no byte sequence can hide one.
 */
export const latin1 = (bytes: Uint8Array): string => {
  let text = '';
  for (let i = 0; i < bytes.length; i += 4096) text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return text;
};

/** Whether `bytes` holds `prefix` at `offset`. */
export const hasBytesAt = (bytes: Uint8Array, offset: number, prefix: Uint8Array): boolean => {
  if (offset < 0 || offset + prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i += 1) {
    if (bytes[offset + i] !== prefix[i]) return false;
  }
  return true;
};

/** Whether `bytes` holds the ASCII text `text` at `offset`. */
export const hasAsciiAt = (bytes: Uint8Array, offset: number, text: string): boolean =>
  hasBytesAt(bytes, offset, utf8(text));

/** A DataView over exactly the bytes of `bytes` (which may be a view into a larger buffer). */
export const viewOf = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Round `n` up to a multiple of `to`. */
export const roundUp = (n: number, to: number): number => Math.ceil(n / to) * to;
