import { describe, expect, it } from 'vitest';
import { LeakAttribution } from './leak-attribution.js';

const SHADOW = 'SECRET:h1:/etc/shadow:1';

describe('LeakAttribution', () => {
  it('gives the classic driver its own leaks, and a later leak of the copy it made', () => {
    const owners = new LeakAttribution();
    expect(owners.attribute(SHADOW, true, 'backing')).toBe('classic');
    expect(owners.attribute(SHADOW, false, 'guest-view')).toBe('inherited');
    expect(owners.attribute(SHADOW, false, 'upload')).toBe('inherited');
    expect(owners.inherited).toBe(2);
  });

  it('never excuses a secret read afresh through a reference, even one the classic driver leaked before', () => {
    const owners = new LeakAttribution();
    expect(owners.attribute(SHADOW, true, 'backing')).toBe('classic');
    for (const via of ['guest-follow', 'backing', 'data-file', 'extent']) expect(owners.attribute(SHADOW, false, via)).toBe('ours');
    expect(owners.inherited).toBe(0);
  });

  it('gives the metadata driver a leak of a secret the classic driver never copied', () => {
    expect(new LeakAttribution().attribute(SHADOW, false, 'guest-view')).toBe('ours');
  });
});
