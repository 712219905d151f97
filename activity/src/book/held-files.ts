/** Books this browser holds the bytes of (the host's own uploads), by PDF id, i.e. their SHA-256. */
const held = new Map<string, Blob>();

/** The PDF id the server gives `file`: its SHA-256 in hex. Null where the browser cannot hash (no secure context). */
export async function pdfIdOf(file: Blob): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Keeps `file` as the bytes of book `pdfId`: the uploader reads the book from it instead of
 * downloading what it just sent. Held before the upload ends, because `pdf-added` may show the
 * book before the upload's answer arrives.
 */
export function holdFile(pdfId: string, file: Blob): void {
  held.set(pdfId, file);
}

export function releaseFile(pdfId: string): void {
  held.delete(pdfId);
}

export function heldFile(pdfId: string): Blob | undefined {
  return held.get(pdfId);
}
