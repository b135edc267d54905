// Secrets of each shape the emitter redacts, made up here from a prefix and filler so that no real-looking
// credential sits in the repository for secret scanners to flag.
const FILLER = 'Zq7Lm3Xv9Tk2Wd5Rb8Hn4Pc6Fy1Gs0Ju';

/** `prefix` followed by `length` characters of mixed letters and digits. */
export function fake(prefix: string, length: number, alphabet = FILLER): string {
  let out = prefix;
  for (let i = 0; i < length; i++) out += alphabet[(i * 7 + 3) % alphabet.length];
  return out;
}

const HEX = '0123456789abcdef';

/** Made-up secrets by kind. */
export const FAKE = {
  stripe: fake('sk_live_', 24),
  stripeRestricted: fake('rk_test_', 24),
  stripeWebhook: fake('whsec_', 32),
  slackBot: `xoxb-1234567890-${fake('', 24)}`,
  slackApp: `xapp-1-A0123456789-${fake('', 20)}`,
  github: fake('ghp_', 36),
  githubFineGrained: fake('github_pat_11ABCDEFG0', 40),
  gitlab: fake('glpat-', 20),
  aws: fake('AKIA', 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'),
  google: fake('AIza', 35),
  googleOauth: fake('ya29.a0', 40),
  sendgrid: `${fake('SG.', 22)}.${fake('', 43)}`,
  npm: fake('npm_', 36),
  openai: fake('sk-proj-', 40),
  anthropic: fake('sk-ant-api03-', 40),
  shopify: fake('shpat_', 32, HEX),
  mailgun: fake('key-', 32, HEX),
  square: fake('sq0atp-', 22),
  atlassian: fake('ATATT3', 40),
  huggingFace: fake('hf_', 34),
  telegram: `123456789:${fake('AA', 33)}`,
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqYW5lIn0.' + fake('', 43),
  privateKey: `-----BEGIN PRIVATE KEY-----\n${fake('MC4CAQAwBQYDK2VwBCIEI', 24)}\n-----END PRIVATE KEY-----`,
  hex32: fake('', 32, HEX),
} as const;
