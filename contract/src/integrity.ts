import { ATTR, lokiFieldName } from './attributes';
import type { LogType } from './logTypes';

/**
 * Tamper evidence of the audit trail (docs/integrity.md): every record of an emitter carries its place in a
 * hash chain (one chain per emitter instance and log type), and checkpoint records sign the chain's head.
 */

/** OpenTelemetry attribute names of the chain and of checkpoint records. */
export const INTEGRITY_ATTR = {
  /** Chain id (a UUIDv7, one per emitter instance and log type). */
  chainId: 'audit.chain.id',
  /** Position in the chain, 1, 2, 3, ... (an integer attribute). */
  seq: 'audit.chain.seq',
  /** Hash of the previous record of the chain (lowercase hex SHA-256; {@link GENESIS_HASH} for seq 1). */
  prev: 'audit.chain.prev',
  /** SHA-256 of {@link canonicalRecord} of this record (lowercase hex). On a checkpoint: the head's hash. */
  hash: 'audit.chain.hash',
  /** On a checkpoint: the log type of the chain it signs. */
  checkpointLogType: 'audit.checkpoint.log_type',
  /** On a checkpoint: timestamp of the head record, ns since the epoch (decimal). */
  checkpointHeadTime: 'audit.checkpoint.head_time',
  /** On a checkpoint: `true` when the emitter shut down after it (the chain ends there). */
  checkpointFinal: 'audit.checkpoint.final',
  /** On a checkpoint: id of the Ed25519 key that signed it (absent when unsigned). */
  checkpointKeyId: 'audit.checkpoint.key_id',
  /** On a checkpoint: Ed25519 signature of {@link canonicalCheckpoint}, base64 (absent when unsigned). */
  checkpointSignature: 'audit.checkpoint.signature',
} as const;

/**
 * `audit.log_type` (Loki label `audit_log_type`) of checkpoint records. Checkpoints live in a stream of their
 * own, beside the four log types, so that no list, dashboard, alert or export (which all select one log type
 * by this label) ever shows or counts them, and Loki needs no extra label.
 */
export const CHECKPOINT_LOG_TYPE = 'integrity_checkpoint';

/** OTLP `eventName` of checkpoint records. */
export const CHECKPOINT_EVENT_NAME = `audit.${CHECKPOINT_LOG_TYPE}`;

/** First field of every {@link canonicalRecord}; a new encoding gets a new version. */
export const CHAIN_ENCODING = 'auditlens-chain-v1';

/** First field of every {@link canonicalCheckpoint}. */
export const CHECKPOINT_ENCODING = 'auditlens-checkpoint-v1';

/** `prev` of the first record of a chain: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Record attributes the hash covers, as [OpenTelemetry name, Loki field name], sorted by Loki name (byte order):
 * every audit attribute of {@link ATTR} but the log type (a label, encoded on its own), plus chain id and seq.
 * Fields outside this list (Loki's own metadata, resource attributes that Loki keeps as metadata, anything a
 * collector adds) are not covered, so they may differ without breaking the chain.
 */
export const CHAINED_ATTRIBUTES: ReadonlyArray<readonly [string, string]> = [
  ...Object.values(ATTR)
    .filter((a) => a !== ATTR.logType)
    .map((a) => [a, lokiFieldName(a)] as const),
  [INTEGRITY_ATTR.chainId, lokiFieldName(INTEGRITY_ATTR.chainId)] as const,
  [INTEGRITY_ATTR.seq, lokiFieldName(INTEGRITY_ATTR.seq)] as const,
].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));

/** Loki names of the chain fields. */
export const INTEGRITY_FIELDS = {
  chainId: lokiFieldName(INTEGRITY_ATTR.chainId),
  seq: lokiFieldName(INTEGRITY_ATTR.seq),
  prev: lokiFieldName(INTEGRITY_ATTR.prev),
  hash: lokiFieldName(INTEGRITY_ATTR.hash),
  checkpointLogType: lokiFieldName(INTEGRITY_ATTR.checkpointLogType),
  checkpointHeadTime: lokiFieldName(INTEGRITY_ATTR.checkpointHeadTime),
  checkpointFinal: lokiFieldName(INTEGRITY_ATTR.checkpointFinal),
  checkpointKeyId: lokiFieldName(INTEGRITY_ATTR.checkpointKeyId),
  checkpointSignature: lokiFieldName(INTEGRITY_ATTR.checkpointSignature),
} as const;

/** What {@link canonicalRecord} encodes of one record, in the form Loki returns it. */
export interface ChainedRecord {
  /** Hash of the previous record of the chain. */
  readonly prev: string;
  /** ns since the epoch, decimal without leading zeros (Loki's entry timestamp). */
  readonly timestamp: string;
  /** The log type (Loki label `audit_log_type`). */
  readonly logType: string;
  /** OpenTelemetry severity number, decimal (Loki's `severity_number`); '' when the record has none. */
  readonly severityNumber: string;
  /** The body, the summary (Loki's log line). */
  readonly body: string;
  /**
   * The value of a chained field by its Loki name (see {@link CHAINED_ATTRIBUTES}; `index` is its place
   * there), as Loki stores it: a string (integers in decimal). Absent and empty values are left out of the
   * encoding alike.
   */
  field(lokiName: string, otelName: string, index: number): string | undefined;
}

/** UTF-8 length of a string (lone surrogates count 3 bytes, as U+FFFD, which is how they are sent). */
export type ByteLength = (text: string) => number;

/** UTF-8 length of `text`, without Node's Buffer (the contract also runs in browsers). */
export function utf8ByteLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** `<UTF-8 byte length>:<text>,` (a netstring): unambiguous whatever the text holds. */
function netstring(text: string, byteLength: ByteLength): string {
  return `${byteLength(text)}:${text},`;
}

// Names are ASCII and fixed: their netstrings are made once.
const CHAIN_ENCODING_NETSTRING = `${CHAIN_ENCODING.length}:${CHAIN_ENCODING},`;
const CHAINED_NAME_NETSTRINGS: readonly string[] = CHAINED_ATTRIBUTES.map(
  ([, loki]) => `${loki.length}:${loki},`
);

/**
 * The bytes (as a string, to be UTF-8 encoded) whose SHA-256 is a record's `audit.chain.hash`: netstrings of
 * {@link CHAIN_ENCODING}, prev, timestamp, log type, severity number and body, then of name and value of each
 * present chained field in {@link CHAINED_ATTRIBUTES} order (names are Loki's). Producer and verifier both
 * call this, the producer before sending, the verifier on what Loki returns.
 */
export function canonicalRecord(record: ChainedRecord, byteLength: ByteLength = utf8ByteLength): string {
  // Nearly every record is printable ASCII, where a string's length is its UTF-8 length: build with lengths for
  // free, check the result once, and measure each value only when something else is in it.
  const ascii = buildCanonicalRecord(record, asciiLength);
  return PRINTABLE_ASCII.test(ascii) ? ascii : buildCanonicalRecord(record, byteLength);
}

const PRINTABLE_ASCII = /^[ -~\t\n\r]*$/;
const asciiLength: ByteLength = (text) => text.length;

function buildCanonicalRecord(record: ChainedRecord, byteLength: ByteLength): string {
  let out =
    CHAIN_ENCODING_NETSTRING +
    netstring(record.prev, byteLength) +
    netstring(record.timestamp, byteLength) +
    netstring(record.logType, byteLength) +
    netstring(record.severityNumber, byteLength) +
    netstring(record.body, byteLength);
  for (let i = 0; i < CHAINED_ATTRIBUTES.length; i++) {
    const [otelName, lokiName] = CHAINED_ATTRIBUTES[i]!;
    const value = record.field(lokiName, otelName, i);
    if (value === undefined || value === '') continue;
    out += CHAINED_NAME_NETSTRINGS[i]! + netstring(value, byteLength);
  }
  return out;
}

/**
 * A native UTF-8 writer for {@link CanonicalRecordEncoder}'s longer strings, such as Node's `Buffer`
 * (`allocate` a `Buffer`, `write` with `Buffer#write`): its copy costs about the same whatever the length,
 * where the encoder's own loop costs a little per character, so from about 24 characters on the native one is
 * cheaper (a 64-digit hash: a third of the time). The contract itself runs without Node, hence a parameter.
 */
export interface Utf8Writer<B extends Uint8Array> {
  /** A buffer of `size` bytes for the encoder to write into. */
  allocate(size: number): B;
  /**
   * Writes `text` as UTF-8 into `bytes` (one of {@link allocate}'s) at `offset`, lone surrogates as U+FFFD,
   * and returns the number of bytes written; there is room for 3 bytes a UTF-16 unit.
   */
  write(bytes: B, text: string, offset: number): number;
}

/** Strings from this length on go to the {@link Utf8Writer}, shorter ones through the encoder's loop. */
const NATIVE_WRITE_FROM = 24;

/**
 * Writes the UTF-8 bytes of {@link canonicalRecord} straight into a buffer it owns, without building the
 * string: the producer hashes every record it sends, and building the string, testing it for ASCII and
 * converting it to UTF-8 for the hash measured three times the cost of the SHA-256 itself. The bytes are
 * exactly those of `canonicalRecord` (lone surrogates as U+FFFD, as Node and TextEncoder send them). With a
 * {@link Utf8Writer}, strings of 24 characters and more are written by it.
 *
 * Written for speed, as measured with the emitter's benchmark: one room check per netstring, names copied
 * and short ASCII strings written four bytes at a time (a quarter of the stores of a byte loop; a word may
 * run up to 3 bytes past the end, into room that was checked and that the next bytes overwrite).
 */
export class CanonicalRecordEncoder<B extends Uint8Array = Uint8Array> {
  private bytes: B;
  private view: DataView;
  private pos = 0;
  private lastField = -1;

  constructor(private readonly writer?: Utf8Writer<B>) {
    this.bytes = this.allocate(4096);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /** The encoding of `record`: a view of the encoder's buffer, valid until the next record is started. */
  encode(record: ChainedRecord): Uint8Array {
    this.start(record.prev, record.timestamp, record.logType, record.severityNumber, record.body);
    for (let i = 0; i < CHAINED_ATTRIBUTES.length; i++) {
      const [otelName, lokiName] = CHAINED_ATTRIBUTES[i]!;
      const value = record.field(lokiName, otelName, i);
      if (value !== undefined) this.field(i, value);
    }
    return this.encoded();
  }

  /** Starts a record with the netstrings of the encoding's name, prev, timestamp, log type, severity and body. */
  start(prev: string, timestamp: string, logType: string, severityNumber: string, body: string): void {
    this.open(prev);
    this.netstring(timestamp);
    this.rest(logType, severityNumber, body);
  }

  /**
   * {@link start} with the timestamp given as whole seconds and nanoseconds since the epoch (an OpenTelemetry
   * `HrTime`), written as the same decimal digits without making its string first.
   */
  startAt(
    prev: string,
    seconds: number,
    nanos: number,
    logType: string,
    severityNumber: string,
    body: string
  ): void {
    this.open(prev);
    this.ensure(48);
    if (seconds === 0) {
      this.pos = this.writeDecimal(decimalDigits(nanos));
      this.bytes[this.pos++] = 0x3a;
      this.pos = this.writeDecimal(nanos);
    } else {
      const secondsDigits = decimalDigits(seconds);
      this.pos = this.writeDecimal(secondsDigits + 9);
      this.bytes[this.pos++] = 0x3a;
      this.pos = this.writeDecimal(seconds, secondsDigits);
      // The nanoseconds as nine digits, leading zeros and all.
      this.pos = this.writeDecimal(nanos, 9);
    }
    this.bytes[this.pos++] = 0x2c;
    this.rest(logType, severityNumber, body);
  }

  /**
   * Adds the chained field at `index` of {@link CHAINED_ATTRIBUTES} (its name's netstring, then its value's);
   * an empty value is left out. Fields must come in increasing `index` order, as the encoding has them.
   */
  field(index: number, value: string): void {
    if (index <= this.lastField) throw new RangeError('chained fields must come in CHAINED_ATTRIBUTES order');
    this.lastField = index;
    if (value === '') return;
    this.words(CHAINED_NAME_WORDS[index]!, CHAINED_NAME_BYTES[index]!.length);
    this.netstring(value);
  }

  /** A record's first netstrings: the encoding's name and prev. */
  private open(prev: string): void {
    this.pos = 0;
    this.lastField = -1;
    this.words(CHAIN_ENCODING_WORDS, CHAIN_ENCODING_BYTES.length);
    this.netstring(prev);
  }

  /** A record's netstrings after its timestamp: log type, severity and body. */
  private rest(logType: string, severityNumber: string, body: string): void {
    this.netstring(logType);
    this.netstring(severityNumber);
    this.netstring(body);
  }

  /** The record's bytes so far: a view of the encoder's buffer, valid until the next record is started. */
  encoded(): Uint8Array {
    return this.bytes.subarray(0, this.pos);
  }

  /** Appends `length` bytes given as little-endian 32-bit words. */
  private words(words: Uint32Array, length: number): void {
    this.ensure(length + 4);
    const view = this.view;
    const pos = this.pos;
    for (let i = 0; i < words.length; i++) view.setUint32(pos + 4 * i, words[i]!, true);
    this.pos = pos + length;
  }

  /** Appends `<UTF-8 length>:<UTF-8 bytes>,`, assuming ASCII and starting over when it is not. */
  private netstring(text: string): void {
    const length = text.length;
    // 3 bytes a UTF-16 unit at most, the length's digits, ':' and ',', and a word's overshoot.
    this.ensure(3 * length + 24);
    if (length >= NATIVE_WRITE_FROM && this.writer) {
      this.writtenNetstring(text, this.writer);
      return;
    }
    const start = this.pos;
    const bytes = this.bytes;
    const view = this.view;
    let pos = this.writeDecimal(length);
    bytes[pos++] = 0x3a;
    let i = 0;
    for (; i + 4 <= length; i += 4) {
      const a = text.charCodeAt(i);
      const b = text.charCodeAt(i + 1);
      const c = text.charCodeAt(i + 2);
      const d = text.charCodeAt(i + 3);
      if ((a | b | c | d) >= 0x80) break;
      view.setUint32(pos, a | (b << 8) | (c << 16) | (d << 24), true);
      pos += 4;
    }
    for (; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = start;
        this.utf8Netstring(text);
        return;
      }
      bytes[pos++] = c;
    }
    bytes[pos++] = 0x2c;
    this.pos = pos;
  }

  /**
   * The netstring of `text` by the native writer: the text goes where an ASCII text's length would leave it,
   * and moves when its UTF-8 length turns out to have more digits.
   */
  private writtenNetstring(text: string, writer: Utf8Writer<B>): void {
    const bytes = this.bytes;
    const at = this.pos + decimalDigits(text.length) + 1;
    const written = writer.write(bytes, text, at);
    const digits = decimalDigits(written);
    if (digits !== at - this.pos - 1) bytes.copyWithin(this.pos + digits + 1, at, at + written);
    let pos = this.writeDecimal(written);
    bytes[pos++] = 0x3a;
    pos += written;
    bytes[pos++] = 0x2c;
    this.pos = pos;
  }

  private utf8Netstring(text: string): void {
    const bytes = this.bytes;
    let pos = this.writeDecimal(utf8ByteLength(text));
    bytes[pos++] = 0x3a;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) {
        bytes[pos++] = c;
        continue;
      }
      if (c < 0x800) {
        bytes[pos++] = 0xc0 | (c >> 6);
        bytes[pos++] = 0x80 | (c & 0x3f);
        continue;
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const point = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          bytes[pos++] = 0xf0 | (point >> 18);
          bytes[pos++] = 0x80 | ((point >> 12) & 0x3f);
          bytes[pos++] = 0x80 | ((point >> 6) & 0x3f);
          bytes[pos++] = 0x80 | (point & 0x3f);
          i++;
          continue;
        }
        c = 0xfffd; // a lone surrogate, sent as U+FFFD
      }
      bytes[pos++] = 0xe0 | (c >> 12);
      bytes[pos++] = 0x80 | ((c >> 6) & 0x3f);
      bytes[pos++] = 0x80 | (c & 0x3f);
    }
    bytes[pos++] = 0x2c;
    this.pos = pos;
  }

  /**
   * Writes `n` in decimal at the current position, in `digits` digits (leading zeros when more than it has);
   * returns the position after it.
   */
  private writeDecimal(n: number, digits = decimalDigits(n)): number {
    const bytes = this.bytes;
    const pos = this.pos;
    for (let i = digits - 1, rest = n; i >= 0; i--, rest = Math.floor(rest / 10))
      bytes[pos + i] = 0x30 + (rest % 10);
    return pos + digits;
  }

  private ensure(more: number): void {
    if (this.pos + more <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.pos + more) size *= 2;
    const grown = this.allocate(size);
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }

  private allocate(size: number): B {
    // Without a writer, B is the default Uint8Array.
    return this.writer ? this.writer.allocate(size) : (new Uint8Array(size) as B);
  }
}

/** Digits of a non-negative integer in decimal. */
function decimalDigits(n: number): number {
  let digits = 1;
  for (let limit = 10; n >= limit && digits < 22; limit *= 10) digits++;
  return digits;
}

/** ASCII text as bytes. */
function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** Bytes as little-endian 32-bit words, the last one padded with zeros. */
function littleEndianWords(bytes: Uint8Array): Uint32Array {
  const words = new Uint32Array(Math.ceil(bytes.length / 4));
  const view = new DataView(words.buffer);
  bytes.forEach((byte, i) => view.setUint8(i, byte));
  for (let i = 0; i < words.length; i++) words[i] = view.getUint32(4 * i, true);
  return words;
}

const CHAIN_ENCODING_BYTES = asciiBytes(CHAIN_ENCODING_NETSTRING);
const CHAIN_ENCODING_WORDS = littleEndianWords(CHAIN_ENCODING_BYTES);
const CHAINED_NAME_BYTES: readonly Uint8Array[] = CHAINED_NAME_NETSTRINGS.map(asciiBytes);
const CHAINED_NAME_WORDS: readonly Uint32Array[] = CHAINED_NAME_BYTES.map(littleEndianWords);

/**
 * A record attribute value as Loki stores it: strings as they are, integers and booleans in their decimal or
 * `true`/`false` form; other values (arrays, maps, non-integer numbers) are not covered by the chain.
 */
export function chainedValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** The head of a chain as a checkpoint states and signs it. */
export interface CheckpointStatement {
  readonly logType: string;
  readonly chainId: string;
  /** seq of the head record. */
  readonly seq: number;
  /** `audit.chain.hash` of the head record. */
  readonly hash: string;
  /** Timestamp of the head record, ns decimal. */
  readonly headTime: string;
  /** Timestamp of the checkpoint record itself, ns decimal. */
  readonly time: string;
  /** The emitter shut down after it: no record of the chain may follow. */
  readonly final: boolean;
  /** Id of the signing key. */
  readonly keyId: string;
}

/** The bytes (as a string) an Ed25519 checkpoint signature covers: netstrings of every statement field. */
export function canonicalCheckpoint(
  statement: CheckpointStatement,
  byteLength: ByteLength = utf8ByteLength
): string {
  return [
    CHECKPOINT_ENCODING,
    statement.logType,
    statement.chainId,
    String(statement.seq),
    statement.hash,
    statement.headTime,
    statement.time,
    statement.final ? 'true' : 'false',
    statement.keyId,
  ]
    .map((field) => netstring(field, byteLength))
    .join('');
}

/** Overall result of a verification: every record signed and intact, intact but partly unsigned, or not. */
export const INTEGRITY_STATUSES = ['intact', 'unsigned', 'problems', 'empty'] as const;
export type IntegrityStatus = (typeof INTEGRITY_STATUSES)[number];

/** Kinds of problem a verification reports. */
export const INTEGRITY_PROBLEM_KINDS = [
  /** Records missing from a chain (deleted, or lost on the way). */
  'gap',
  /** Records the producer dropped before they were chained (its queue was full): the chain links over them. */
  'dropped',
  /** A record whose content does not hash to its `audit.chain.hash`. */
  'altered',
  /** A record whose `prev` is not the hash of the record before it. */
  'broken_link',
  /** A record that claims a place in a chain it does not have (a second record for a seq, or after the final checkpoint). */
  'forged',
  /** Several different records for one seq, none provably the chain's. */
  'conflict',
  /** A checkpoint whose signature does not verify. */
  'bad_signature',
  /** A checkpoint signed by a key the service does not know. */
  'unknown_key',
  /** A validly signed checkpoint whose head hash is not the chain's: records up to it were rewritten. */
  'checkpoint_mismatch',
  /** A checkpoint names records that are not in Loki. */
  'missing_records',
] as const;
export type IntegrityProblemKind = (typeof INTEGRITY_PROBLEM_KINDS)[number];

/** One problem found, with where to look. */
export interface IntegrityProblem {
  readonly kind: IntegrityProblemKind;
  readonly chainId: string;
  /** The seq concerned (the first missing one for gaps). */
  readonly seq?: number;
  /** For gaps: the last missing seq. */
  readonly toSeq?: number;
  /** Where to look: the record's timestamp, or for a gap the time of the record before it (ns decimal). */
  readonly timestamp?: string;
  /** For gaps: the timestamp of the record after the missing ones (ns decimal). */
  readonly until?: string;
  /** `audit.event_id` of the record concerned, when there is one. */
  readonly eventId?: string;
  /** What is wrong, in a sentence. */
  readonly message: string;
}

/** One chain seen in a verification. */
export interface IntegrityChainSummary {
  readonly id: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** Records of this chain in the range. */
  readonly records: number;
  /** Highest seq covered by a valid signed checkpoint, or null. */
  readonly signedThrough: number | null;
  /** A final checkpoint was seen (the emitter shut down cleanly). */
  readonly closed: boolean;
  /** How the first record of the range is tied to what came before. */
  readonly anchor: 'genesis' | 'context' | 'none';
  readonly keyIds: readonly string[];
}

/** `GET /api/v1/logs/:slug/integrity?from&to` → what a verification of that range found. */
export interface IntegrityReport {
  readonly logType: LogType;
  /** ISO 8601, inclusive. */
  readonly from: string;
  /** ISO 8601, exclusive. */
  readonly to: string;
  readonly verifiedAt: string;
  readonly status: IntegrityStatus;
  readonly records: {
    /** Every entry of the log type in the range. */
    readonly total: number;
    /** Intact, linked, and covered by a validly signed checkpoint. */
    readonly verified: number;
    /** Intact and linked, but no signed checkpoint covers them (yet). */
    readonly unsigned: number;
    readonly altered: number;
    readonly forged: number;
    /** Identical copies of a record (delivered twice): harmless, counted once in the others. */
    readonly duplicates: number;
    /** Entries without chain fields (other producers, or emitted with integrity off). */
    readonly withoutChain: number;
  };
  readonly gaps: { readonly count: number; readonly missingRecords: number };
  readonly checkpoints: {
    readonly total: number;
    readonly valid: number;
    readonly invalid: number;
    readonly unknownKey: number;
    readonly unsigned: number;
  };
  readonly chains: number;
  /** The chains, at most 100. */
  readonly chainList: readonly IntegrityChainSummary[];
  /** The problems, oldest first, at most 200 ({@link IntegrityReport.problemCount} says how many in all). */
  readonly problems: readonly IntegrityProblem[];
  readonly problemCount: number;
  /** What the verification could not decide, in sentences. */
  readonly notes: readonly string[];
}

/** A signed description of an export file (`<file>.manifest.json`, in the mail and the app). */
export interface ExportManifest {
  readonly format: 'auditlens-export-manifest-v1';
  readonly export: {
    readonly id: string;
    readonly logType: LogType;
    readonly from: string;
    readonly to: string;
    readonly filters: Readonly<Record<string, string>>;
    readonly fileFormat: string;
    readonly timezone: string;
    readonly rows: number;
    readonly requestedBy: string;
    readonly createdAt: string;
  };
  readonly file: { readonly name: string; readonly bytes: number; readonly sha256: string };
  /** Verification of every record of the log type in the export's range (filters do not apply to it). */
  readonly integrity: IntegrityReport;
  readonly signer: { readonly keyId: string; readonly algorithm: 'Ed25519'; readonly publicKey: string };
  /** Ed25519 signature (base64) of {@link canonicalJson} of the manifest without this field. */
  readonly signature: string;
}

/** `GET /api/v1/exports/integrity` → the integrity summary of the requester's exports that have a manifest. */
export interface ExportIntegrityResponse {
  readonly exports: Readonly<
    Record<
      string,
      {
        readonly status: IntegrityStatus;
        readonly verified: number;
        readonly total: number;
        readonly problemCount: number;
        readonly sha256: string;
      }
    >
  >;
}

/** `GET /api/v1/exports/signing-key` → the key export manifests are signed with. */
export interface SigningKeyResponse {
  readonly keyId: string;
  readonly algorithm: 'Ed25519';
  /** SPKI DER, base64. */
  readonly publicKey: string;
  /** The same key as PEM. */
  readonly pem: string;
}

/**
 * JSON with object keys sorted (by UTF-16 code units) at every depth and no whitespace: the bytes a manifest
 * signature covers. Values are what JSON.parse returns; numbers are written as JSON.stringify writes them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
