import { z } from 'zod';
import type { Delta } from '../../shared/diff';
import { isJsonObject } from '../../shared/json';
import { layersSchema, pageNumSchema, pageViewSchema, pdfIdSchema, revisionSchema } from '../../shared/layers-protocol';
import { versionSchema } from '../../shared/protocol';
import { changeGmDocumentSchema } from '../../shared/gm-changes';
import type { TableChange } from '../sessions/session-channel';

/**
 * One message of a table's channel: which node sent it and the change. Other nodes are trusted
 * no more than clients: a message that does not parse is dropped (and logged) by the feed.
 */
export interface FeedMessage {
  node: string;
  /** The sender's clock when it published (ms since the epoch): the receiver observes the fan-out lag. */
  sentAt: number;
  change: TableChange;
}

const appliedSchema = z.object({ userId: z.string(), clientKey: z.string(), seq: z.number().int().min(0), version: versionSchema });

const deltaSchema = z.object({
  // a delta holds jsondiffpatch's own keys (`_t`), which state values may not: only its shape is checked
  delta: z.custom<Delta>((value) => isJsonObject(value), 'a delta is an object'),
  version: versionSchema,
  fromVersion: versionSchema,
  crc: z.number().int(),
  updateId: z.string().optional(),
});

const changeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('delta'), entry: deltaSchema, applied: appliedSchema.optional() }),
  z.object({ kind: z.literal('applied'), applied: appliedSchema }),
  z.object({ kind: z.literal('layers'), page: z.object({ pdfId: pdfIdSchema, pageNum: pageNumSchema, revision: revisionSchema, layers: layersSchema }) }),
  z.object({
    kind: z.literal('pdf'),
    record: z.object({ id: z.string(), name: z.string(), size: z.number(), sha256: z.string(), addedBy: z.string(), addedAt: z.number() }),
  }),
  z.object({ kind: z.literal('pdf-removed'), pdfId: pdfIdSchema }),
  z.object({ kind: z.literal('view'), view: pageViewSchema }),
  // binary, as base64 in the JSON of the message
  z.object({ kind: z.literal('live'), payload: z.base64().transform((text) => new Uint8Array(Buffer.from(text, 'base64'))) }),
  z.object({ kind: z.literal('presence') }),
  z.object({ kind: z.literal('member'), userId: z.string() }),
  z.object({ kind: z.literal('roles') }),
  z.object({ kind: z.literal('gm-changes'), revision: z.number().int().min(1), changes: changeGmDocumentSchema.shape.changes }),
  z.object({ kind: z.literal('reread') }),
]);

const messageSchema = z.object({ node: z.string(), sentAt: z.number(), change: changeSchema });

export function encodeMessage(message: FeedMessage): string {
  const { change } = message;
  if (change.kind !== 'live') return JSON.stringify(message);
  return JSON.stringify({ ...message, change: { kind: 'live', payload: Buffer.from(change.payload).toString('base64') } });
}

/** The message, or null when it is not one. */
export function decodeMessage(text: string): FeedMessage | null {
  try {
    const parsed = messageSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as FeedMessage) : null;
  } catch {
    return null;
  }
}
