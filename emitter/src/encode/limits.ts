/** Size caps applied while encoding. */
export interface EncodeLimits {
  readonly maxChangesBytes: number;
  readonly maxAttributeLength: number;
}
