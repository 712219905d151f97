import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Discord's Ed25519 public key (64 hex digits, as the portal shows it) as a node:crypto key. */
export function discordPublicKey(hex: string): KeyObject {
  const raw = Buffer.from(hex, 'hex');
  if (raw.length !== 32) throw new Error('an Ed25519 public key is 32 bytes (64 hex digits)');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export type SignatureCheck = 'ok' | 'bad-signature' | 'stale';

/** How far an interaction's timestamp may be from now, each way, unless the route says otherwise. */
export const DEFAULT_MAX_SKEW_SECONDS = 300;

/**
 * Checks an interaction as Discord signs it: Ed25519 over timestamp + raw body. A timestamp more
 * than `maxSkewSeconds` away from now is refused, so a captured request cannot be replayed later
 * (and within that window, SeenInteractions refuses it).
 */
export function checkSignature(
  key: KeyObject,
  signatureHex: string | undefined,
  timestamp: string | undefined,
  body: Buffer,
  options: { now?: number; maxSkewSeconds?: number } = {},
): SignatureCheck {
  if (!signatureHex || !timestamp || !/^[0-9a-fA-F]{128}$/.test(signatureHex) || !/^\d{1,12}$/.test(timestamp)) {
    return 'bad-signature';
  }
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), body]);
  if (!verify(null, signed, key, Buffer.from(signatureHex, 'hex'))) return 'bad-signature';
  const nowSeconds = (options.now ?? Date.now()) / 1000;
  return Math.abs(nowSeconds - Number(timestamp)) > (options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS) ? 'stale' : 'ok';
}
