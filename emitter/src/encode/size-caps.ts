/**
 * JSON of `value` kept under `maxBytes` UTF-8 bytes. When too large, a JSON object saying so with a
 * truncated preview, so that the field is still valid JSON and Loki's structured-metadata limit holds.
 */
export function capJson(value: unknown, maxBytes: number): string {
  const json = JSON.stringify(value) ?? 'null';
  if (Buffer.byteLength(json, 'utf8') <= maxBytes) return json;
  // Leave room for the wrapper object and JSON escaping of the preview.
  let preview = json.slice(0, Math.max(0, Math.floor(maxBytes / 2) - 64));
  let out = JSON.stringify({ truncated: true, originalBytes: Buffer.byteLength(json, 'utf8'), preview });
  while (Buffer.byteLength(out, 'utf8') > maxBytes && preview.length > 0) {
    preview = preview.slice(0, Math.floor(preview.length / 2));
    out = JSON.stringify({ truncated: true, originalBytes: Buffer.byteLength(json, 'utf8'), preview });
  }
  return out;
}
