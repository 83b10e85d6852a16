import { fc, it } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { MarkerSet, parseSecretMarker, secretMarker, secretMarkersIn } from './markers.js';
import { textLength, textVolume } from './volume.js';

const markersArb = fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(secretMarker('h1', '/etc/shadow', 1), secretMarker('h2', '/k', 2))), { maxLength: 8 });

describe('MarkerSet', () => {
  describe('when combining sets', () => {
    it.prop([markersArb, markersArb])('union holds exactly the markers of both, and its secrets are the secret markers among them', (a, b) => {
      const u = MarkerSet.of(...a).union(MarkerSet.of(...b));
      expect(u.toSortedArray()).toEqual([...new Set([...a, ...b])].sort());
      expect([...u.secrets].sort()).toEqual(u.toSortedArray().filter((m) => m.startsWith('SECRET:')));
    });

    it('shares a set instead of copying it when one side adds nothing', () => {
      const a = MarkerSet.of('x', 'y');
      expect(a.union(MarkerSet.of('x'))).toBe(a);
      expect(MarkerSet.empty.union(a)).toBe(a);
      expect(a.with('x')).toBe(a);
    });
  });

  describe('when reading secret markers', () => {
    it('parses host and path, and finds secrets spelled out in text', () => {
      const m = secretMarker('compute-1', '/etc/shadow', 7);
      expect(parseSecretMarker(m)).toEqual({ host: 'compute-1', path: '/etc/shadow' });
      expect(parseSecretMarker('image:x')).toBeNull();
      expect(secretMarkersIn(`root:${m}\nother`)).toEqual([m]);
      expect(textVolume(`${m}\n`).data.markers.secrets).toEqual([m]);
    });
    it.prop([fc.string({ minLength: 1 }).map((s) => `/${s}`)])('reads back any path, spaces, colons and all, from the marker and from text holding it', (path) => {
      const m = secretMarker('h1', path, 3);
      expect(parseSecretMarker(m)).toEqual({ host: 'h1', path });
      expect(secretMarkersIn(`x ${m}\n`)).toEqual([m]);
    });
  });
});

describe('textLength', () => {
  describe('when measuring any text', () => {
    it.prop([fc.string({ unit: 'binary' })])('equals the length of its UTF-8 encoding', (s) => {
      expect(textLength(s)).toBe(new TextEncoder().encode(s).length);
    });
  });
});
