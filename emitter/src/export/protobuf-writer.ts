import { utf8ByteLength } from '@auditlens/contract';

// Only for the few strings that are not ASCII; lone surrogates become U+FFFD, as the SDK's writer makes them.
const utf8 = new TextEncoder();

// Strings from this length on are copied by Buffer#write: a native copy costs about the same whatever the
// length, the loop a little per character; for a 64-digit chain hash the native copy took a third of the time.
const NATIVE_WRITE_FROM = 24;

/**
 * A protobuf wire-format writer into one growing buffer, reused from request to request. Length-delimited
 * fields reserve room for their length and move their content only when the length takes another number of
 * bytes, so that most fields are written once. Strings are written as ASCII and written again as UTF-8 only
 * when they are not: nearly every string of an audit record is ASCII.
 */
export class ProtobufWriter {
  private bytes = Buffer.alloc(64 * 1024);
  private view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  /** Where the next byte goes. */
  pos = 0;

  /** Starts a new message; the previous one's bytes are overwritten. */
  reset(): void {
    this.pos = 0;
  }

  /** A copy of what was written since {@link reset} (the buffer itself is reused). */
  finish(): Uint8Array {
    // Uint8Array's slice copies; Buffer's would return a view of the reused buffer.
    return Uint8Array.prototype.slice.call(this.bytes, 0, this.pos);
  }

  /** A field's key: its number and wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** An unsigned varint; negative and larger integers as 64-bit two's complement (ten bytes for negatives). */
  varint(value: number): void {
    this.ensure(10);
    const bytes = this.bytes;
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 0x7f) {
        bytes[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      bytes[this.pos++] = v;
      return;
    }
    let rest = BigInt.asUintN(64, Number.isFinite(value) ? BigInt(Math.trunc(value)) : 0n);
    while (rest > 0x7fn) {
      bytes[this.pos++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    bytes[this.pos++] = Number(rest);
  }

  /** Four bytes, little-endian. */
  fixed32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, value >>> 0, true);
    this.pos += 4;
  }

  /** Eight bytes, little-endian, of `low` and `high` 32-bit halves. */
  fixed64(low: number, high: number): void {
    this.ensure(8);
    this.view.setUint32(this.pos, low >>> 0, true);
    this.view.setUint32(this.pos + 4, high >>> 0, true);
    this.pos += 8;
  }

  /** An IEEE 754 double, little-endian. */
  double(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** Length-delimited bytes. */
  byteArray(value: Uint8Array): void {
    this.varint(value.length);
    this.raw(value);
  }

  /** Bytes as they are (an encoding made beforehand). */
  raw(value: Uint8Array): void {
    this.ensure(value.length);
    // A loop beats TypedArray.set for the few bytes of a cached key.
    if (value.length < 32) {
      const bytes = this.bytes;
      let pos = this.pos;
      for (let i = 0; i < value.length; i++) bytes[pos++] = value[i]!;
      this.pos = pos;
    } else {
      this.bytes.set(value, this.pos);
      this.pos += value.length;
    }
  }

  /** A length-delimited UTF-8 string (lone surrogates as U+FFFD, as TextEncoder writes them). */
  string(text: string): void {
    const length = text.length;
    this.ensure(3 * length + 10);
    const start = this.pos;
    this.varint(length);
    if (length >= NATIVE_WRITE_FROM) {
      if (this.bytes.write(text, this.pos) === length) this.pos += length;
      else {
        this.pos = start;
        this.utf8String(text);
      }
      return;
    }
    const bytes = this.bytes;
    let pos = this.pos;
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = start;
        this.utf8String(text);
        return;
      }
      bytes[pos++] = c;
    }
    this.pos = pos;
  }

  /**
   * A whole `KeyValue` with a string value, in field `tag` (a one-byte key), when the value is ASCII and the
   * pair is shorter than 128 bytes, so that every length is known before writing: most attributes of an
   * audit record. Returns false, having written nothing, otherwise.
   */
  shortStringKeyValue(tag: number, keyField: Uint8Array, value: string): boolean {
    const length = value.length;
    const pairLength = keyField.length + 4 + length;
    if (pairLength >= 0x80) return false;
    // Room for a value that turns out not to be ASCII, written natively before that is known.
    this.ensure(pairLength + 2 + 2 * length);
    const bytes = this.bytes;
    let pos = this.pos;
    bytes[pos++] = tag;
    bytes[pos++] = pairLength;
    for (let i = 0; i < keyField.length; i++) bytes[pos++] = keyField[i]!;
    bytes[pos++] = 0x12; // KeyValue.value
    bytes[pos++] = length + 2;
    bytes[pos++] = 0x0a; // AnyValue.string_value
    bytes[pos++] = length;
    if (length >= NATIVE_WRITE_FROM) {
      if (bytes.write(value, pos) !== length) return false;
      this.pos = pos + length;
      return true;
    }
    for (let i = 0; i < length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) return false;
      bytes[pos++] = c;
    }
    this.pos = pos;
    return true;
  }

  /** Reserves one byte for the length of a field that follows; returns where its length goes. */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Writes the length of the field begun at `start`, moving its content when the length needs more bytes. */
  end(start: number): void {
    const length = this.pos - start - 1;
    if (length < 0x80) {
      this.bytes[start] = length;
      return;
    }
    const size = varintSize(length);
    this.ensure(size - 1);
    this.bytes.copyWithin(start + size, start + 1, this.pos);
    this.pos += size - 1;
    const end = this.pos;
    this.pos = start;
    this.varint(length);
    this.pos = end;
  }

  private utf8String(text: string): void {
    const length = utf8ByteLength(text);
    this.varint(length);
    utf8.encodeInto(text, this.bytes.subarray(this.pos, this.pos + length));
    this.pos += length;
  }

  private ensure(more: number): void {
    if (this.pos + more <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.pos + more) size *= 2;
    const grown = Buffer.alloc(size);
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }
}

/** Bytes of the varint of a non-negative length. */
function varintSize(n: number): number {
  let size = 1;
  for (let v = n; v > 0x7f; v = Math.floor(v / 128)) size++;
  return size;
}
