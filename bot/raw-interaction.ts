import { z } from 'zod';
import { TABLE_COMMAND, TABLE_SUBCOMMANDS } from './commands';
import type { ChannelRef, CommandUse } from './interaction';

export const InteractionType = { Ping: 1, ApplicationCommand: 2 } as const;
const PRIMARY_ENTRY_POINT = 4;

const channelSchema = z.object({ id: z.string(), type: z.number().int() });
const leafOptionSchema = z.object({ name: z.string(), type: z.number().int(), value: z.unknown().optional() });
/**
 * Discord nests options three deep at most (a subcommand group, its subcommands, their options):
 * a schema with that depth (anything deeper is not read), not a recursive one, which a signed body
 * nested a thousand deep took past the stack (500, logged as a failure).
 */
const subcommandSchema = leafOptionSchema.extend({ options: z.array(leafOptionSchema).optional() });
const optionSchema = leafOptionSchema.extend({ options: z.array(subcommandSchema).optional() });

type RawOption = z.infer<typeof leafOptionSchema>;

/** An interaction as Discord posts it to the HTTP endpoint (only the fields the bot reads). */
export const rawInteractionSchema = z.object({
  id: z.string(),
  application_id: z.string(),
  type: z.number().int(),
  token: z.string(),
  guild_id: z.string().optional(),
  channel_id: z.string().optional(),
  channel: channelSchema.optional(),
  member: z.object({ user: z.object({ id: z.string() }), permissions: z.string().regex(/^\d+$/).optional() }).optional(),
  user: z.object({ id: z.string() }).optional(),
  data: z
    .object({
      name: z.string(),
      type: z.number().int().optional(),
      options: z.array(optionSchema).optional(),
      resolved: z.object({ channels: z.record(z.string(), channelSchema).optional() }).optional(),
    })
    .optional(),
});

export type RawInteraction = z.infer<typeof rawInteractionSchema>;

/** The command use of an APPLICATION_COMMAND interaction; null when it is not one a user can make. */
export function commandUseOf(raw: RawInteraction): CommandUse | null {
  const userId = raw.member?.user.id ?? raw.user?.id;
  if (!raw.data || !userId) return null;
  const sub = raw.data.options?.find((option) => option.type === 1);
  const chosenId = sub?.options?.find((option: RawOption) => option.name === 'channel')?.value;
  const chosen = typeof chosenId === 'string' ? raw.data.resolved?.channels?.[chosenId] : undefined;
  return {
    command: commandOf(raw.data.name, raw.data.type, sub?.name),
    guildId: raw.guild_id ?? null,
    channel: raw.channel ?? null,
    chosenChannel: chosen ? ({ id: chosen.id, type: chosen.type } satisfies ChannelRef) : null,
    userId,
    permissions: BigInt(raw.member?.permissions ?? '0'),
  };
}

function commandOf(name: string, type: number | undefined, subcommand: string | undefined): CommandUse['command'] {
  if (type === PRIMARY_ENTRY_POINT) return { kind: 'entry-point' };
  const known = TABLE_SUBCOMMANDS.find((candidate) => candidate === subcommand);
  if (name === TABLE_COMMAND && known) return { kind: 'table', subcommand: known };
  return { kind: 'unknown', name: subcommand ? `${name} ${subcommand}` : name };
}
