import { fromBuffer, type Entry, type ZipFile } from 'yauzl';
import { promisify } from 'node:util';

/**
 * Reads the parts of an XLSX file straight from its zip, independently of the library that wrote it,
 * so tests check what a spreadsheet program would see.
 */
export async function readZipEntries(data: Buffer): Promise<Map<string, string>> {
  const zip = await promisify<Buffer, { lazyEntries: boolean }, ZipFile>(fromBuffer)(data, {
    lazyEntries: true,
  });
  const out = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
          zip.readEntry();
        });
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return out;
}

/** One cell of a sheet: its reference, type, style index and raw value (inline strings resolved). */
export interface SheetCell {
  readonly ref: string;
  readonly type: string | undefined;
  readonly style: number;
  readonly value: string;
}

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** The rows of a worksheet XML, each a list of cells. */
export function sheetRows(xml: string): SheetCell[][] {
  const rows: SheetCell[][] = [];
  for (const row of xml.matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)) {
    const cells: SheetCell[] = [];
    for (const c of row[1]!.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = c[2] ?? '';
      const inner = c[3] ?? '';
      const type = /t="([^"]+)"/.exec(attrs)?.[1];
      const style = Number(/s="(\d+)"/.exec(attrs)?.[1] ?? 0);
      const text =
        type === 'inlineStr'
          ? [...inner.matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((m) => m[1]).join('')
          : (/<v>([\s\S]*?)<\/v>/.exec(inner)?.[1] ?? '');
      cells.push({ ref: c[1]!, type, style, value: decode(text) });
    }
    rows.push(cells);
  }
  return rows;
}

/** An Excel serial day number as the wall-clock time it shows, in ISO form without zone. */
export function excelSerialToIso(serial: number): string {
  return new Date(Math.round((serial - 25569) * 86_400_000)).toISOString().replace('Z', '');
}
