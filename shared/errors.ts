/** Stable, kebab-case error codes of the wire contract. Clients switch on these; never rename one. */
export const ERROR_CODES = [
  'invalid-payload',
  'unauthorized',
  'forbidden',
  'not-in-session',
  'not-host',
  'too-large',
  'rate-limited',
  'unknown-session',
  'version-conflict',
  'unsupported-media-type',
  'not-found',
  /** Discord: the user is not in that activity instance. */
  'not-in-instance',
  /** Discord's API failed, could not be reached or is rate limiting: try again (HTTP 503, Retry-After when known). */
  'discord-unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/** An error meant for the client: its code and message go out on the wire as they are. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
