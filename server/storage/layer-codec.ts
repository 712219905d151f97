import { deflateSync, inflateSync } from 'node:zlib';
import type { Layers } from '../../shared/layers-protocol';

/**
 * How a page's layers are kept at rest: zlib deflate of their UTF-8 JSON, the wire format of
 * update-layers. Drawings and tokens repeat their keys and shapes, so they shrink many times over.
 */
export function packLayers(layers: Layers): Buffer {
  return packLayersJson(JSON.stringify(layers));
}

/** The same, from layers already written as JSON (rows of schema versions before 6). */
export function packLayersJson(json: string): Buffer {
  return deflateSync(Buffer.from(json, 'utf8'));
}

/** The layers `packLayers` packed. Stored bytes were checked when they came in: no cap here. */
export function unpackLayers(packed: Uint8Array): Layers {
  return JSON.parse(inflateSync(packed).toString('utf8')) as Layers;
}
