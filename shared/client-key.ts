/** A random key naming one client in its update ids (`<key>-<n>`), from a source that works on plain http too. */
export function newClientKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(9));
  return `u${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
