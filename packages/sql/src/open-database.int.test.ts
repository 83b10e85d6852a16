import { describe, expect, it } from 'vitest';
import { forEachBackend } from './testing/backends.js';

forEachBackend('openDatabase', (backend) => {
  describe(`openDatabase on ${backend.name}`, () => {
    it('closes once, however often close is called', async () => {
      const t = await backend.open();
      await t.database.close();
      await expect(t.database.close()).resolves.toBeUndefined();
      await expect(Promise.all([t.database.close(), t.database.close()])).resolves.toEqual([undefined, undefined]);
      await t.dispose();
    });
  });
});
