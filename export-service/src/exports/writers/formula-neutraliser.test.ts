import { neutraliseFormula } from './formula-neutraliser';

describe('neutraliseFormula', () => {
  it.each([
    ['=', '=HYPERLINK("http://evil.test","x")'],
    ['+', '+1+cmd|/C calc!A0'],
    ['-', '-2+3'],
    ['@', '@SUM(A1:A2)'],
    ['tab', '\t=1+1'],
    ['CR', '\r=1+1'],
    ['full-width =', '＝HYPERLINK("http://evil.test","x")'],
    ['full-width +', '＋1+1'],
    ['full-width -', '－2+3'],
    ['full-width @', '＠SUM(A1:A2)'],
  ])('puts an apostrophe before text starting with %s', (_what, text) => {
    expect(neutraliseFormula(text)).toBe(`'${text}`);
  });

  it.each(['jane@acme.test', 'a=b', 'x＝y', '', "'quoted", ' =1+1', '１＋１'])(
    'leaves %j as it is',
    (text) => {
      expect(neutraliseFormula(text)).toBe(text);
    }
  );
});
