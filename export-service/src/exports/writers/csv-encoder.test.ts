import { stringify } from 'csv-stringify/sync';
import { csvCell, csvRecord } from './csv-encoder';

// csv-stringify is the reference: the encoder must write exactly what it writes for RFC 4180 records. With a
// CRLF record delimiter csv-stringify leaves a lone CR or LF unquoted, which spreadsheets read as a row break;
// the encoder quotes those too, so the reference is told to (`quoted_match`).
const reference = (cells: string[]) =>
  stringify([cells], { record_delimiter: '\r\n', quoted_string: false, quoted_match: /[\r\n]/ });

describe('csv encoder', () => {
  it('leaves plain cells alone and quotes the ones with a quote, comma, CR or LF', () => {
    expect(csvCell('jane@acme.test')).toBe('jane@acme.test');
    expect(csvCell('')).toBe('');
    expect(csvCell(' padded ')).toBe(' padded ');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('says "hi"')).toBe('"says ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\ronly')).toBe('"cr\ronly"');
    expect(csvRecord(['a', 'b,c', ''])).toBe('a,"b,c",\r\n');
  });

  it('quotes a lone LF or CR, which csv-stringify with CRLF records does not', () => {
    expect(stringify([['a\nb']], { record_delimiter: '\r\n' })).toBe('a\nb\r\n');
    expect(csvRecord(['a\nb'])).toBe('"a\nb"\r\n');
    expect(csvRecord(['a\rb'])).toBe('"a\rb"\r\n');
  });

  it('writes every record byte for byte as csv-stringify does', () => {
    const alphabet = [
      'a',
      'Z',
      '0',
      ' ',
      ',',
      '"',
      '""',
      '\r',
      '\n',
      '\r\n',
      ';',
      "'",
      '=',
      '\t',
      'ü',
      '☃',
      '😀',
      '\\',
    ];
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 2000; n++) {
      const cells = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
        Array.from(
          { length: Math.floor(random() * 8) },
          () => alphabet[Math.floor(random() * alphabet.length)]
        ).join('')
      );
      expect(csvRecord(cells)).toBe(reference(cells));
    }
  });

  it('writes real user agents and change sets as csv-stringify does', () => {
    const cells = [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      '{"sla.first_response":{"before":"4h","after":"2h"},"note":"a \\"quoted\\" word"}',
      'plain',
    ];
    expect(csvRecord(cells)).toBe(reference(cells));
  });
});
