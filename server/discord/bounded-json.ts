/** An answer whose body passed the bytes the server reads of it. */
export class AnswerTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`an answer over ${maxBytes} bytes`);
    this.name = 'AnswerTooLarge';
  }
}

/**
 * The JSON of a response's body, read up to `maxBytes`: undefined when it is not JSON. Past the
 * cap the rest is not read (the body is cancelled) and AnswerTooLarge is thrown: `response.json()`
 * would hold whatever a broken or hostile peer sends, for as long as its timeout allows.
 */
export async function readBoundedJson(response: Response, maxBytes: number): Promise<unknown> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new AnswerTooLarge(maxBytes);
  }
  if (!response.body) return undefined;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    bytes += read.value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel();
      throw new AnswerTooLarge(maxBytes);
    }
    chunks.push(read.value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Lets go of a body the caller will not read, so that its connection can be reused or closed. A
 * body that already failed (cut off, timed out) has nothing left to let go of: that refusal is
 * not an error of the call, whose status is what the caller answers.
 */
export async function discardBody(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}
