import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DiskMetadata } from '../disk/disk-metadata.js';
import { diskMetadataArb } from '../testing/metadata-arbitraries.js';
import { decodeDiskMetadata } from './decode.js';
import { backportDiskMetadata, encodeDiskMetadata } from './encode.js';
import { METADATA_FIELD_SCHEMAS, WIRE_FIELDS, WIRE_PROPERTIES } from './field-schema.js';
import { METADATA_VERSIONS, type MetadataVersion } from './version.js';

// Debian's python3-oslo.versionedobjects is visible to the system interpreter
// only; a pyenv python3 earlier on PATH would not find it.
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./testing/oslo_interop.py', import.meta.url));

let osloChecked = false;

// Checked inside each test, not in a hook: a failing hook makes vitest report
// the tests as skipped, and CI must see this suite fail when oslo is missing.
const requireOslo = (): void => {
  if (osloChecked) return;
  try {
    execFileSync(PYTHON, ['-c', 'import oslo_versionedobjects'], { stdio: 'pipe' });
  } catch (cause) {
    throw new Error(
      `${PYTHON} cannot import oslo_versionedobjects; install Debian's python3-oslo.versionedobjects ` +
        '(CI does). This interop test must run, so it fails rather than skips.',
      { cause },
    );
  }
  osloChecked = true;
};

const python = (mode: 'schema' | 'decode' | 'encode', input: unknown = null): unknown => {
  requireOslo();
  return JSON.parse(
    execFileSync(PYTHON, [SCRIPT, mode], {
      input: JSON.stringify(input),
      encoding: 'utf8',
      env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
};

const EDGE_CASES: DiskMetadata[] = [
  { backend: 'flat', format: 'raw', size: 1, location: null, imageId: null, imageFormat: null, provenance: null, state: null },
  { backend: 'lvm', format: 'raw', size: 2 ** 53 - 1, location: 'nova-vg/3f6c_disk', imageId: null, imageFormat: null, provenance: 'derived', state: 'creating' },
  { backend: 'rbd', format: 'raw', size: 10_737_418_240, location: 'vms/3f6c_disk', imageId: 'a:b.c_d-e', imageFormat: 'raw', provenance: 'operator', state: 'ready' },
  { backend: 'ploop', format: 'ploop', size: 4096, location: '/données/😀 disque/root.hds', imageId: '0', imageFormat: 'ploop', provenance: 'created', state: 'ready' },
];
const SAMPLES: DiskMetadata[] = [...EDGE_CASES, ...fc.sample(diskMetadataArb, { seed: 0x0510, numRuns: 80 })];

/** The `nova_object.data` a record has at `version`, null fields included. */
const wireFields = (meta: DiskMetadata, version: MetadataVersion): Record<string, unknown> =>
  Object.fromEntries(WIRE_FIELDS[version].map((f) => [f, meta[WIRE_PROPERTIES[f]]]));

describe('the LibvirtDiskMetadata wire format against oslo.versionedobjects', () => {
  describe('when the Python class declares its fields', () => {
    it('declares the same fields, types, nullability and enum values as METADATA_FIELD_SCHEMAS', () => {
      const ours = Object.fromEntries(
        METADATA_VERSIONS.map((v) => [
          v,
          Object.fromEntries(
            Object.entries(METADATA_FIELD_SCHEMAS[v]).map(([name, f]) => [
              name,
              f.type === 'Enum' ? { type: f.type, nullable: f.nullable, values: f.values } : { type: f.type, nullable: f.nullable },
            ]),
          ),
        ]),
      );
      expect(python('schema')).toEqual(ours);
    });
  });

  describe.each(METADATA_VERSIONS)('when records are written at version %s', (version) => {
    it('Python reads every field of what we encode', () => {
      const primitives = SAMPLES.map((m) => JSON.parse(encodeDiskMetadata(m, { version })));
      const read = python('decode', primitives);
      expect(read).toEqual(SAMPLES.map((m) => ({ version, fields: wireFields(m, version) })));
    });

    it('we read every field of what Python encodes, whether null fields are set or left unset', () => {
      const requests = SAMPLES.map((m, i) => {
        const all = wireFields(m, '1.1');
        // Every other record leaves its null fields unset, which oslo writes as absent keys.
        const fields = i % 2 === 0 ? all : Object.fromEntries(Object.entries(all).filter(([, v]) => v !== null));
        return { version, fields };
      });
      const primitives = python('encode', requests);
      expect(Array.isArray(primitives)).toBe(true);
      const decoded = (Array.isArray(primitives) ? primitives : []).map((p) => decodeDiskMetadata(JSON.stringify(p)));
      expect(decoded).toEqual(SAMPLES.map((m) => ({ _tag: 'Right', right: backportDiskMetadata(m, version) })));
    });
  });
});
