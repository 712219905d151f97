import type { ErrorBody } from './errors';

/** The answer to a client event that passed an ack callback (contract: acks and errors). */
export type AckOk<T extends object = object> = { ok: true } & T;
export type AckError = { ok: false; error: ErrorBody };
export type Ack<T extends object = object> = AckOk<T> | AckError;
