import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** What is worth compressing: text. PDFs, images and fonts are compressed already. */
const COMPRESSIBLE = /\.(?:m?js|css|html|svg|json|txt|wasm)$/;
/** Under this, the headers of a compressed answer outweigh what it saves. */
const MIN_BYTES = 1024;
/**
 * Brotli's quality 9: pdf.js's worker (1.4 MB) goes to 366 KB in 0.4 s of CPU; quality 11 gives
 * 327 KB (16 ms less at 20 Mbit/s) for 3.2 s, paid by every build, and every e2e test builds.
 */
const BROTLI_QUALITY = 9;

/**
 * Writes `<file>.br` and `<file>.gz` beside every text file of the build, so the server sends
 * them as they are (server/http/static-assets.ts) instead of compressing on every request.
 * Both: browsers ask for brotli only over HTTPS (and on localhost), so a table served over plain
 * HTTP on a LAN gets gzip.
 */
export function precompress(): Plugin {
  return {
    name: 'gamebook-precompress',
    apply: 'build',
    async writeBundle({ dir }, bundle) {
      if (!dir) return;
      const files = Object.keys(bundle).filter((name) => COMPRESSIBLE.test(name));
      await Promise.all(files.map((name) => compressFile(path.join(dir, name))));
    },
  };
}

async function compressFile(file: string): Promise<void> {
  const bytes = await readFile(file);
  if (bytes.length < MIN_BYTES) return;
  const params = { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length };
  const [br, gz] = await Promise.all([brotli(bytes, { params }), gzipped(bytes, { level: 9 })]);
  await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gz)]);
}
