import { isIPv4 as nodeIsIPv4 } from 'node:net';
import { isIPv4, looksLikeEmail } from '../../src/validate/checks';

// The hand-written checks replace a regex and net.isIPv4 on the hot path: they must give the same answers.
describe('hand-written input checks', () => {
  it('isIPv4 answers as net.isIPv4 does', () => {
    const samples = [
      '0.0.0.0',
      '1.2.3.4',
      '198.51.100.9',
      '255.255.255.255',
      '256.1.1.1',
      '1.2.3.256',
      '01.2.3.4',
      '1.02.3.4',
      '1.2.3.04',
      '1.2.3',
      '1.2.3.4.5',
      '1..3.4',
      '.1.2.3',
      '1.2.3.',
      '1.2.3.4 ',
      ' 1.2.3.4',
      '1.2.3.a',
      '1234.1.1.1',
      '::1',
      '2001:db8::1',
      '::ffff:1.2.3.4',
      '',
      '१.२.३.४',
      '999.999.999.999',
      '100.200.250.199',
    ];
    // And every short string over a small alphabet, which covers the edge cases systematically.
    const alphabet = ['0', '1', '2', '5', '9', '.'];
    const grow = (prefix: string, depth: number): void => {
      if (depth === 0) return;
      for (const c of alphabet) {
        samples.push(prefix + c);
        grow(prefix + c, depth - 1);
      }
    };
    grow('1.2.', 5);
    grow('', 4);
    for (const s of samples) expect([s, isIPv4(s)]).toEqual([s, nodeIsIPv4(s)]);
  });

  it('looksLikeEmail answers as /^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$/ does', () => {
    const regex = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
    const samples = [
      'bob@acme.test',
      'a@b.c',
      'a@b.',
      'a@.c',
      '@b.c',
      'a@b',
      'a@@b.c',
      'a@b@c.d',
      'a b@c.d',
      'a@b.c ',
      'a@b..c',
      'a@b.c.d',
      'a.b@c',
      'a.b@c.d',
      'nope',
      '',
      'jöhn@exämple.test',
      'a@b.c\u00a0',
      'a@\tb.c',
      'x@y.z.',
    ];
    const alphabet = ['a', '@', '.', ' '];
    const grow = (prefix: string, depth: number): void => {
      if (depth === 0) return;
      for (const c of alphabet) {
        samples.push(prefix + c);
        grow(prefix + c, depth - 1);
      }
    };
    grow('', 6);
    for (const s of samples) expect([s, looksLikeEmail(s)]).toEqual([s, regex.test(s)]);
  });
});
