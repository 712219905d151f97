import { deflateSync, inflateSync } from 'node:zlib';
import { z } from 'zod';
import { decodePayload } from '../../server/transport/binary-payload';
import type { BenchTable } from '../report';

const LIMIT = 1024 * 1024;
const ROUNDS = 30;

function meanMs(run: () => void): number {
  const started = performance.now();
  for (let i = 0; i < ROUNDS; i++) run();
  return (performance.now() - started) / ROUNDS;
}

function refused(run: () => void): void {
  try {
    run();
  } catch {
    return;
  }
  throw new Error('the bomb was not refused');
}

/**
 * What a decompression bomb costs the server: refusing it (inflate capped at MAX_LAYER_BYTES)
 * next to inflating it whole, and next to decoding a legitimate page of layers, in the same run.
 */
export async function inflateSuite(): Promise<BenchTable[]> {
  const bomb = deflateSync(Buffer.alloc(50 * 1024 * 1024), { level: 9 });
  const strokes = Array.from({ length: 400 }, (_, i) => ({ id: `s${i}`, points: Array.from({ length: 20 }, (_, j) => [i + j, j * 2]) }));
  const page = deflateSync(Buffer.from(JSON.stringify({ pdfId: 'book', pageNum: 1, layers: { strokes } })));
  const anyJson = z.unknown();
  const capped = meanMs(() => refused(() => decodePayload(bomb, LIMIT, anyJson, 'update-layers')));
  const whole = meanMs(() => inflateSync(bomb));
  const legit = meanMs(() => decodePayload(page, LIMIT, anyJson, 'update-layers'));
  return [
    {
      title: 'A decompression bomb against the inflate cap',
      description: `A ${(bomb.length / 1024).toFixed(0)} KiB payload that inflates to 50 MiB, refused by the server's capped inflate (limit ${LIMIT / 1024} KiB), next to inflating it whole (the baseline) and to decoding a real page of 400 strokes (${(page.length / 1024).toFixed(0)} KiB compressed), mean of ${ROUNDS} runs each.`,
      columns: ['payload', 'ms', 'ratio to the bomb inflated whole'],
      rows: [
        ['bomb, inflated whole (baseline)', whole, 1],
        ['bomb, refused at the cap', capped, capped / whole],
        ['legitimate page of layers', legit, legit / whole],
      ],
    },
  ];
}
