import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

export interface StandInUser {
  id: string;
  username: string;
  global_name?: string;
}

export interface StandInInstance {
  users: string[];
  channelId: string;
  /** null in a DM or group DM (location kind `pc`); else a guild's channel (`gc`). */
  guildId: string | null;
  /** Players who just launched: not in `users` at the next lookup, listed from the one after. */
  arriving?: string[];
}

/** An answer given instead of the real one (a failure): status, JSON body, headers. */
export interface StandInFailure {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent in chunks with no Content-Length, as a peer that does not say how much follows. */
  streamed?: boolean;
}

const STREAMED_CHUNK_CHARS = 64 * 1024;

function sendFailure(res: express.Response, failure: StandInFailure): void {
  res.status(failure.status).set(failure.headers ?? {});
  const body = failure.body ?? { message: 'stand-in failure' };
  if (!failure.streamed) {
    res.json(body);
    return;
  }
  const text = JSON.stringify(body);
  res.type('application/json');
  for (let at = 0; at < text.length; at += STREAMED_CHUNK_CHARS) res.write(text.slice(at, at + STREAMED_CHUNK_CHARS));
  res.end();
}

export interface StandInChannel {
  id: string;
  type: number;
  guild_id?: string;
  name?: string;
}

export interface RecordedCall {
  method: string;
  path: string;
  authorization?: string;
  body: unknown;
}

/**
 * A local stand-in of Discord's HTTP API (the parts the product calls), on loopback: OAuth2 code
 * exchange, users/@me, activity instances, interaction callbacks and follow-ups, application
 * commands. Tests point DISCORD_API_BASE (and so discord.js's REST) at `apiBase`.
 */
export class DiscordStandIn {
  readonly calls: RecordedCall[] = [];
  readonly codes = new Map<string, StandInUser>();
  readonly instances = new Map<string, StandInInstance>();
  /** Channels the bot may look up (GET /channels/:id); any other answers 404. */
  readonly channels = new Map<string, StandInChannel>();
  /** The application's commands, as the last bulk overwrite left them. */
  commands: Array<Record<string, unknown>> = [];
  /** Whether the app has User Install enabled in the portal: without it, Discord refuses commands for user installs. */
  userInstall = false;
  private readonly failures: Array<{ pattern: RegExp; failure: StandInFailure; left: number }> = [];
  private readonly accessTokens = new Map<string, StandInUser>();
  private server?: Server;
  apiBase = '';

  constructor(
    readonly applicationId: string,
    private readonly botToken: string,
    private readonly clientSecret: string,
  ) {}

  /** A code the activity's authorize() would return for `user`. */
  codeFor(user: StandInUser): string {
    const code = randomBytes(8).toString('hex');
    this.codes.set(code, user);
    return code;
  }

  /** The next `times` calls whose `METHOD /path` matches get `failure` instead of their answer. */
  failNext(pattern: RegExp, failure: StandInFailure, times = 1): void {
    this.failures.push({ pattern, failure, left: times });
  }

  /** A 429 as Discord sends it: `retry_after` (seconds) in the JSON body and the Retry-After header. */
  static rateLimited(retryAfterSeconds: number): StandInFailure {
    const body = { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global: false };
    return { status: 429, body, headers: { 'retry-after': String(Math.ceil(retryAfterSeconds)) } };
  }

  callsTo(pattern: RegExp): RecordedCall[] {
    return this.calls.filter((call) => pattern.test(`${call.method} ${call.path}`));
  }

  async start(): Promise<this> {
    const app = express();
    app.use(express.json(), express.urlencoded({ extended: false }));
    app.use((req, res, next) => {
      this.calls.push({ method: req.method, path: req.path, authorization: req.get('authorization'), body: req.body });
      const failing = this.failures.find((entry) => entry.left > 0 && entry.pattern.test(`${req.method} ${req.path}`));
      if (!failing) {
        next();
        return;
      }
      failing.left--;
      sendFailure(res, failing.failure);
    });
    const api = express.Router();
    const isBot = (req: express.Request) => req.get('authorization') === `Bot ${this.botToken}`;

    api.post('/oauth2/token', (req, res) => {
      const user = this.codes.get(String(req.body?.code));
      if (req.body?.client_id !== this.applicationId || req.body?.client_secret !== this.clientSecret || !user) {
        res.status(400).json({ error: 'invalid_grant' });
        return;
      }
      this.codes.delete(String(req.body.code));
      const accessToken = randomBytes(12).toString('hex');
      this.accessTokens.set(accessToken, user);
      res.json({ access_token: accessToken, token_type: 'Bearer', expires_in: 604800, scope: 'identify' });
    });
    api.get('/users/@me', (req, res) => {
      const user = this.accessTokens.get((req.get('authorization') ?? '').replace(/^Bearer /, ''));
      if (!user) res.status(401).json({ message: '401: Unauthorized', code: 0 });
      else res.json({ avatar: null, global_name: null, ...user });
    });
    api.get('/applications/:app/activity-instances/:instance', (req, res) => {
      const instance = this.instances.get(req.params.instance);
      if (!isBot(req) || req.params.app !== this.applicationId) res.status(401).json({ message: '401: Unauthorized' });
      else if (!instance) res.status(404).json({ message: 'Unknown Activity Instance', code: 10063 });
      else {
        const kind = instance.guildId === null ? 'pc' : 'gc';
        const location = { id: `${kind}-1`, kind, channel_id: instance.channelId, guild_id: instance.guildId };
        res.json({ application_id: this.applicationId, instance_id: req.params.instance, launch_id: '1', location, users: instance.users });
        instance.users = [...instance.users, ...(instance.arriving ?? [])];
        instance.arriving = [];
      }
    });
    api.get('/channels/:channel', (req, res) => {
      const channel = this.channels.get(req.params.channel);
      if (!isBot(req)) res.status(401).json({ message: '401: Unauthorized' });
      else if (!channel) res.status(404).json({ message: 'Unknown Channel', code: 10003 });
      else res.json({ position: 0, permission_overwrites: [], ...channel });
    });
    api.post('/interactions/:id/:token/callback', (_req, res) => res.status(204).end());
    api.post('/webhooks/:app/:token', (req, res) => res.json({ id: '1', ...req.body }));
    api.get('/applications/:app/commands', (req, res) => {
      if (!isBot(req)) res.status(401).json({ message: '401: Unauthorized' });
      else res.json(this.commands);
    });
    api.put('/applications/:app/commands', (req, res) => {
      const body = req.body as Array<Record<string, unknown>>;
      if (!isBot(req)) {
        res.status(401).json({ message: '401: Unauthorized' });
        return;
      }
      const forUsers = body.find((command) => Array.isArray(command.integration_types) && command.integration_types.includes(1));
      if (forUsers && !this.userInstall) {
        const message = 'Invalid Form Body: integration_types: user install is not enabled for this application';
        res.status(400).json({ message, code: 50035, errors: { [body.indexOf(forUsers)]: { integration_types: { _errors: [{ code: 'APPLICATION_COMMAND_INTEGRATION_TYPE_NOT_SUPPORTED', message }] } } } });
        return;
      }
      const hadEntryPoint = this.commands.some((command) => command.type === 4);
      if (hadEntryPoint && !body.some((command) => command.type === 4)) {
        res.status(400).json({ message: 'Cannot remove the primary entry point command', code: 50240 });
        return;
      }
      this.commands = body.map((command, index) => ({ id: String(command.id ?? 9000 + index), application_id: this.applicationId, ...command }));
      res.json(this.commands);
    });
    app.use('/api/v10', api);
    app.use((_req, res) => res.status(404).json({ message: '404: Not Found', code: 0 }));

    this.server = createServer(app);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.apiBase = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v10`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
