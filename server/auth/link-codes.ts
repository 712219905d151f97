import { randomInt } from 'node:crypto';
import type { NewClaims } from './tokens';

/** No 0/O, 1/I/L: a code is read off one screen and typed on another. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 8;

/**
 * One-time codes that hand an identity to a second device: short-lived, used once, and one per
 * identity at a time (a new code replaces the last). 31^8 codes against the per-address limit of
 * tries make guessing a live one hopeless.
 */
export interface LinkCodeStore {
  issue(claims: NewClaims): Promise<{ code: string; expiresAt: number }>;
  /** The identity a live code stands for, once: the code is gone after. Null for anything else. */
  redeem(code: string): Promise<NewClaims | null>;
}

export function newLinkCode(): string {
  return Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** As typed: any case, with spaces or dashes. */
export function normalizedLinkCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

interface Pending {
  claims: NewClaims;
  expiresAt: number;
}

/** The codes of a single node, in its memory (a cluster keeps them in Redis: cluster/redis-link-codes.ts). */
export class LinkCodes implements LinkCodeStore {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(claims: NewClaims): Promise<{ code: string; expiresAt: number }> {
    this.sweep();
    for (const [code, held] of this.pending) if (held.claims.sub === claims.sub) this.pending.delete(code);
    const code = newLinkCode();
    const expiresAt = this.now() + this.lifetimeMs;
    this.pending.set(code, { claims, expiresAt });
    return Promise.resolve({ code, expiresAt });
  }

  redeem(code: string): Promise<NewClaims | null> {
    const normalized = normalizedLinkCode(code);
    const held = this.pending.get(normalized);
    this.pending.delete(normalized);
    return Promise.resolve(!held || held.expiresAt <= this.now() ? null : held.claims);
  }

  private sweep(): void {
    const now = this.now();
    for (const [code, held] of this.pending) if (held.expiresAt <= now) this.pending.delete(code);
  }
}
