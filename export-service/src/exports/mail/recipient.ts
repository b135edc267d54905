/**
 * A "valid e-mail address" as the WHATWG HTML standard defines it for `<input type=email>` (a deliberate,
 * well-known subset of RFC 5322: one local part, one domain, no comments, quotes, display names, commas or
 * line breaks), at most 254 characters (RFC 5321's path limit less the angle brackets).
 */
const VALID_ADDRESS =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** Why an address cannot be the recipient of an export, or undefined when it is exactly one valid address. */
export function recipientProblem(address: string): string | undefined {
  if (address.trim() === '') return 'the Grafana account has no email address';
  if (address.length > 254 || !VALID_ADDRESS.test(address))
    return "the Grafana account's email address is not one valid address";
  return undefined;
}
