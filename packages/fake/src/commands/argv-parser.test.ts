import { describe, expect, it } from 'vitest';
import { parseArgs } from './argv-parser.js';

const SPEC = { '-f': 'value', '-n': 'flag', '--output': 'value' } as const;

describe('parseArgs', () => {
  describe('when the argv uses known options', () => {
    it('takes options anywhere, long options with = or a separate value', () => {
      expect(parseArgs(['a', '-f', 'raw', '-n', '--output=json', 'b'], SPEC)).toEqual({
        ok: true,
        args: { options: new Map([['-f', 'raw'], ['-n', ''], ['--output', 'json']]), operands: ['a', 'b'] },
      });
      expect(parseArgs(['--output', 'json', 'x'], SPEC)).toMatchObject({ ok: true, args: { operands: ['x'] } });
    });
  });

  describe('when the argv is outside the spec', () => {
    it.each([
      [['-x', 'a'], 'unknown option -x'],
      [['-f', 'raw', '-f', 'qcow2'], 'option -f given twice'],
      [['-f'], 'option -f needs a value'],
      [['-n=1'], 'unknown option -n=1'],
      [['--output'], 'option --output needs a value'],
    ])('refuses %j (%s)', (argv, reason) => {
      expect(parseArgs(argv, SPEC)).toEqual({ ok: false, reason });
    });
  });
});
