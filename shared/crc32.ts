import CRC32 from 'crc-32';

/** CRC-32 (IEEE 802.3, as zlib computes it) of the UTF-8 bytes of `text`, unsigned. */
export function crc32Utf8(text: string): number {
  return CRC32.str(text) >>> 0;
}

/** Length of `text` in UTF-8 bytes, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** The reflected polynomial as a signed 32-bit integer: V8 then keeps every step in small integers. */
const POLY = 0xedb88320 | 0;
const TOP_BIT = 0x80000000 | 0;

/** a(x) * b(x) modulo the CRC polynomial, both in reflected bit order (zlib's multmodp). */
function multModP(a: number, b: number): number {
  let product = 0;
  let rest = a | 0;
  let term = b | 0;
  // the reflected x^0 is the top bit: walk a's bits from it down, stopping once none are left.
  // Masks instead of branches: the bits are random, and mispredicted branches cost 4x the loop.
  while (rest !== 0) {
    product ^= term & (rest >> 31);
    rest <<= 1;
    term = (term >>> 1) ^ (POLY & -(term & 1));
  }
  // signed: a small integer, which the parts keep without a heap number each
  return product;
}

/** X2N[k] = x^(2^k) modulo the polynomial. */
const X2N: number[] = (() => {
  const table: number[] = [];
  let p = 1 << 30; // x^1
  table.push(p);
  for (let k = 1; k < 32; k++) {
    p = multModP(p, p);
    table.push(p);
  }
  return table;
})();

/** x^(n * 2^k) modulo the polynomial. */
function x2nModP(n: number, k: number): number {
  let p = TOP_BIT; // x^0
  while (n > 0) {
    if (n % 2 === 1) p = multModP(X2N[k & 31] as number, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/**
 * CRC-32 of the concatenation A||B from crc(A), crc(B) and the byte length of B, in
 * O(log length) time: lets a large document's checksum be kept up to date part by part.
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multModP(crc32Shift(lengthB), crcA >>> 0) ^ (crcB >>> 0)) >>> 0;
}

/**
 * x^(8 * bytes) modulo the polynomial: the operator that moves a CRC past `bytes` bytes. A part
 * that keeps it next to its CRC is appended with two multiplications, without the O(log length)
 * power crc32Combine computes each time (see crc32Append).
 */
export function crc32Shift(bytes: number): number {
  return x2nModP(bytes, 3);
}

/**
 * A run of bytes known by its CRC, its length and its crc32Shift. Both 32-bit values are kept
 * signed: V8 then stores them as small integers in the object itself, where an unsigned CRC above
 * 2^31 (half of them) costs a heap number of its own. A document keeps a part per key and per
 * wide container's child, and a crowd's node makes several per update.
 */
export class CrcPart {
  constructor(
    /** The CRC as a signed 32-bit integer. */
    readonly signedCrc: number,
    readonly bytes: number,
    /** crc32Shift(bytes), signed. */
    readonly shift: number,
  ) {}

  /** The CRC, unsigned. */
  get crc(): number {
    return this.signedCrc >>> 0;
  }
}

/** The part A||B, in two multiplications modulo the polynomial. */
export function crc32Append(a: CrcPart, b: CrcPart): CrcPart {
  return new CrcPart(extend(a.signedCrc, b), a.bytes + b.bytes, multModP(a.shift, b.shift));
}

/** The part of the UTF-8 bytes of `text`. */
export function crcPartOf(text: string): CrcPart {
  const bytes = utf8Length(text);
  return new CrcPart(CRC32.str(text), bytes, crc32Shift(bytes));
}

/** CRC-32 of A||B from crc(A) and B's part: a run of appends that keeps only the CRC allocates nothing. */
export function crc32Extend(crcA: number, b: CrcPart): number {
  return extend(crcA, b) >>> 0;
}

function extend(crcA: number, b: CrcPart): number {
  return multModP(b.shift, crcA) ^ b.signedCrc;
}
