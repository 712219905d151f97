import { randomInt } from 'node:crypto';
import type { NewClaims } from './tokens';

/** No 0/O, 1/I/L: a code is read off one screen and typed on another. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 8;

interface Pending {
  claims: NewClaims;
  expiresAt: number;
}

/**
 * One-time codes that hand an identity to a second device: short-lived, used once, and one per
 * identity at a time (a new code replaces the last). 31^8 codes against the per-address limit of
 * tries make guessing a live one hopeless. Kept in this process (docs/security.md says what a
 * cluster needs).
 */
export class LinkCodes {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(claims: NewClaims): { code: string; expiresAt: number } {
    this.sweep();
    for (const [code, held] of this.pending) if (held.claims.sub === claims.sub) this.pending.delete(code);
    const code = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    const expiresAt = this.now() + this.lifetimeMs;
    this.pending.set(code, { claims, expiresAt });
    return { code, expiresAt };
  }

  /** The identity a live code stands for, once: the code is gone after. Null for anything else. */
  redeem(code: string): NewClaims | null {
    const normalized = code.toUpperCase().replace(/[\s-]/g, '');
    const held = this.pending.get(normalized);
    this.pending.delete(normalized);
    if (!held || held.expiresAt <= this.now()) return null;
    return held.claims;
  }

  private sweep(): void {
    const now = this.now();
    for (const [code, held] of this.pending) if (held.expiresAt <= now) this.pending.delete(code);
  }
}
