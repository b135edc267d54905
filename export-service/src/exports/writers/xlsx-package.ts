// The parts of an export's XLSX besides its sheets (Office Open XML packaging, ECMA-376 part 2): what each part
// is, how they relate, the workbook naming the sheets, and the styles their cells refer to (`STYLE`).
import { xmlText } from './xlsx-sheet-xml';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const DOC_RELS_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_RELS_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const OFFICE_DOC = 'application/vnd.openxmlformats-officedocument';

/** Where sheet `n` (1 is the first) goes in the zip. */
export function sheetPart(n: number): string {
  return `xl/worksheets/sheet${n}.xml`;
}

/** The most characters a sheet name may have in Excel. */
export const SHEET_NAME_MAX_CHARS = 31;
// Characters Excel does not allow in a sheet name.
const SHEET_NAME_FORBIDDEN = /[[\]:*?/\\]/g;

/**
 * The name of sheet `n`: `title` for the first, `title (n)` for the next ones, e.g. "Access logs (2)". Characters
 * Excel forbids in a name (and an apostrophe at either end) are dropped, and the title is cut so the number always
 * fits in 31 characters: every name is valid, and the numbered ones distinct (LOG_TYPE_TITLES need no cut).
 */
export function sheetName(title: string, n: number): string {
  const suffix = n === 1 ? '' : ` (${n})`;
  const base = title
    .replace(SHEET_NAME_FORBIDDEN, '')
    .replace(/^'+/, '')
    .slice(0, SHEET_NAME_MAX_CHARS - suffix.length)
    .replace(/'+$/, '');
  return (base || 'Sheet') + suffix;
}

/** The date cells' number format, as the requester's spreadsheet shows them: milliseconds included. */
export const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss.000';

const attribute = (text: string): string => xmlText(text).replace(/"/g, '&quot;');

/**
 * The parts that do not depend on the sheets, by their path in the zip: the package's relationships, its
 * properties (titled `title`) and the styles. Written before the sheets.
 */
export function fixedParts(title: string, created: Date): ReadonlyArray<readonly [string, string]> {
  const when = created.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return [
    [
      '_rels/.rels',
      `${XML_DECLARATION}<Relationships xmlns="${PKG_RELS_NS}">` +
        `<Relationship Id="rId1" Type="${DOC_RELS_NS}/officeDocument" Target="xl/workbook.xml"/>` +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
        `<Relationship Id="rId3" Type="${DOC_RELS_NS}/extended-properties" Target="docProps/app.xml"/>` +
        '</Relationships>',
    ],
    [
      'docProps/core.xml',
      `${XML_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
        `<dc:title>${xmlText(title)}</dc:title><dc:creator>AuditLens</dc:creator>` +
        `<dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created>` +
        `<dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified></cp:coreProperties>`,
    ],
    [
      'docProps/app.xml',
      `${XML_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">` +
        '<Application>AuditLens</Application></Properties>',
    ],
    [
      'xl/styles.xml',
      // Cell formats: 0 the default, 1 the header's bold (STYLE.header), 2 the dates' format (STYLE.date).
      // Excel expects the two fills below (none, gray125) in every styles part.
      `${XML_DECLARATION}<styleSheet xmlns="${MAIN_NS}">` +
        `<numFmts count="1"><numFmt numFmtId="164" formatCode="${DATE_FORMAT}"/></numFmts>` +
        '<fonts count="2">' +
        '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
        '<fills count="2"><fill><patternFill patternType="none"/></fill>' +
        '<fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
        '</styleSheet>',
    ],
  ];
}

/**
 * The parts listing the sheets, by their path in the zip: the content types, the workbook naming the sheets
 * (sheet `i + 1` is `names[i]`) and its relationships. Known once the last sheet is, so written after it.
 */
export function listingParts(names: readonly string[]): ReadonlyArray<readonly [string, string]> {
  const worksheet = `${OFFICE_DOC}.spreadsheetml.worksheet+xml`;
  // The workbook's relationships: rId1… the sheets, then the styles (for one sheet, rId1 and rId2 as before).
  const styles = `rId${names.length + 1}`;
  return [
    [
      '[Content_Types].xml',
      `${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        `<Override PartName="/xl/workbook.xml" ContentType="${OFFICE_DOC}.spreadsheetml.sheet.main+xml"/>` +
        names
          .map((_, i) => `<Override PartName="/${sheetPart(i + 1)}" ContentType="${worksheet}"/>`)
          .join('') +
        `<Override PartName="/xl/styles.xml" ContentType="${OFFICE_DOC}.spreadsheetml.styles+xml"/>` +
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
        `<Override PartName="/docProps/app.xml" ContentType="${OFFICE_DOC}.extended-properties+xml"/>` +
        '</Types>',
    ],
    [
      'xl/workbook.xml',
      `${XML_DECLARATION}<workbook xmlns="${MAIN_NS}" xmlns:r="${DOC_RELS_NS}">` +
        '<bookViews><workbookView/></bookViews><sheets>' +
        names
          .map((name, i) => `<sheet name="${attribute(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
          .join('') +
        '</sheets></workbook>',
    ],
    [
      'xl/_rels/workbook.xml.rels',
      `${XML_DECLARATION}<Relationships xmlns="${PKG_RELS_NS}">` +
        names
          .map(
            (_, i) =>
              `<Relationship Id="rId${i + 1}" Type="${DOC_RELS_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`
          )
          .join('') +
        `<Relationship Id="${styles}" Type="${DOC_RELS_NS}/styles" Target="styles.xml"/>` +
        '</Relationships>',
    ],
  ];
}
