import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * Who may frame the table: its own origin (the standalone page, and a host page of ours around it)
 * and Discord's clients, which load the activity from `<app id>.discordsays.com` inside
 * `discord.com` (also `ptb.`/`canary.`).
 */
export const FRAME_ANCESTORS = ["'self'", 'https://discord.com', 'https://*.discord.com', 'https://*.discordsays.com'];

/**
 * The headers of every HTTP answer (the page, its assets, the API, PDFs), by helmet: its vetted
 * defaults (nosniff, Referrer-Policy no-referrer, COOP, CORP, HSTS over HTTPS...) with our own CSP.
 *
 * - `script-src 'wasm-unsafe-eval'`: pdf.js decodes JPEG 2000 images (common in scanned books)
 *   with WebAssembly; it allows compiling WebAssembly only, never `eval` of JavaScript.
 * - `worker-src`: pdf.js's worker is a file of our build, so `'self'` (the default) covers it.
 * - `connect-src 'self'`: the API and the socket, whose `ws:`/`wss:` URL on the same host
 *   'self' matches (CSP level 3); without WebSockets Socket.IO falls back to polling over HTTP.
 * - `img-src`: avatars come through the `/discord-cdn` URL mapping, so from this origin too.
 * - no `upgrade-insecure-requests`: a table served over plain HTTP on a LAN would break itself.
 * - no `X-Frame-Options`: it can name no other origin than ours; `frame-ancestors` replaces it.
 * - `Cross-Origin-Embedder-Policy: require-corp`: everything the page loads is ours (and sent with
 *   CORP `same-origin`), so it costs nothing, and with COOP the standalone page is cross-origin
 *   isolated: a process no other site shares, and timers of 5 µs instead of 100 µs, which the
 *   browser benchmarks read. Inside Discord's frame the page is not isolated (Discord's is not),
 *   and works the same.
 */
export function securityHeaders(): RequestHandler {
  return helmet(HELMET_OPTIONS) as RequestHandler;
}

/**
 * The same headers as plain values, for answers Express never sees: Socket.IO's long-polling
 * responses and its websocket upgrade are written by engine.io before any Express middleware.
 */
export function securityHeaderValues(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(HELMET_OPTIONS)({ headers: {} } as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}

const HELMET_OPTIONS: Parameters<typeof helmet>[0] = {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: FRAME_ANCESTORS,
      },
    },
    xFrameOptions: false,
    crossOriginEmbedderPolicy: { policy: 'require-corp' },
};
