import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type Request, type Response } from 'express';

/** Vite names the files of `assets/` after a hash of their content: a new build, new names. */
const HASHED = /^\/assets\//;
const FOR_A_YEAR = 'public, max-age=31536000, immutable';
/** The page and other unhashed files: kept, but asked again each time (a 304 when unchanged). */
const ASK_AGAIN = 'no-cache';

/** The encodings the build writes beside a file (activity/precompress.ts), in the order we prefer them. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;
type Encoding = (typeof ENCODINGS)[number];

/**
 * The built activity: its files, compressed as the build wrote them when the browser takes that
 * encoding, hashed assets cached for a year, and the page for every other path but the API's
 * and the sockets'. A build with no compressed files is served as it is.
 */
export function serveActivity(app: Express, dist: string): void {
  const index = path.join(dist, 'index.html');
  if (!existsSync(index)) return;
  const variants = compressedVariants(dist);
  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const encodings = variants.get(req.path);
    if (!encodings) return next();
    res.vary('Accept-Encoding');
    const encoding = preferred(req, encodings);
    if (!encoding) return next();
    // the type of the file it stands for, not of `.br`/`.gz`; `send` keeps a type already set
    res.type(path.extname(req.path));
    res.set('Content-Encoding', encoding.name);
    res.sendFile(path.join(dist, req.path + encoding.suffix), { headers: { 'Cache-Control': cacheControl(req.path) }, cacheControl: false }, (error) => {
      if (error) next(error);
    });
  });
  app.use(express.static(dist, { index: false, cacheControl: false, setHeaders: (res, file) => res.set('Cache-Control', cacheControl(`/${path.relative(dist, file)}`)) }));
  app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => sendPage(res, index));
}

function sendPage(res: Response, index: string): void {
  res.set('Cache-Control', ASK_AGAIN).sendFile(index);
}

function cacheControl(urlPath: string): string {
  return HASHED.test(urlPath) ? FOR_A_YEAR : ASK_AGAIN;
}

/** URL path -> the compressed versions the build wrote of it. */
function compressedVariants(dist: string): Map<string, Encoding[]> {
  const files = new Set(readdirSync(dist, { recursive: true, encoding: 'utf8' }).map((file) => file.split(path.sep).join('/')));
  const variants = new Map<string, Encoding[]>();
  for (const file of files) {
    const encodings = ENCODINGS.filter((encoding) => files.has(file + encoding.suffix));
    if (encodings.length > 0) variants.set(`/${file}`, encodings);
  }
  return variants;
}

/** The first of `encodings` the request's Accept-Encoding takes (with a q above 0). */
function preferred(req: Request, encodings: Encoding[]): Encoding | undefined {
  const accepted = new Set(
    (req.get('accept-encoding') ?? '')
      .split(',')
      .map((part) => part.trim().split(/\s*;\s*/))
      .filter(([, q]) => !q || !/^q=0(\.0*)?$/.test(q))
      .map(([name]) => name?.toLowerCase()),
  );
  return encodings.find((encoding) => accepted.has(encoding.name));
}
