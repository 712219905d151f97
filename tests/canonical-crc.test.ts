import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { canonicalJson } from '../shared/canonical-json';
import { crc32Combine, crc32Utf8, utf8Length } from '../shared/crc32';
import { StateDocument } from '../shared/state-document';
import type { JsonObject } from '../shared/json';
import { seededRandom } from './support/random';

/** Python's json + zlib: an implementation that is not ours, over the same values. */
function pythonCanonical(values: unknown[]): Array<{ text: string; crc: number }> {
  const script = `
import json, sys, zlib
def canon(v):
    if isinstance(v, dict):
        keys = sorted(v.keys(), key=lambda k: k.encode('utf-16-be'))
        return '{' + ','.join(json.dumps(k, ensure_ascii=False) + ':' + canon(v[k]) for k in keys) + '}'
    if isinstance(v, list):
        return '[' + ','.join(canon(x) for x in v) + ']'
    return json.dumps(v, ensure_ascii=False)
out = []
for v in json.load(sys.stdin):
    t = canon(v)
    out.append({'text': t, 'crc': zlib.crc32(t.encode('utf-8'))})
print(json.dumps(out))`;
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(values) }).toString('utf8'));
}

// Python writes escapes and some floats differently from JSON.stringify, so the tricky values
// stay inside what both write the same: strings with any characters, integers, booleans, null.
const TRICKY: unknown[] = [
  {},
  [],
  { b: 1, a: 2, B: 3, _: 4, '': 5 },
  { 'é': 1, e: 2, 'z': 3, '😀': 4, '\uffff': 5, 'ﬀ': 6 },
  { text: 'quote " backslash \\ slash / newline \n tab \t nul \u0000 bell \u0007' },
  { astral: '𝄞 music, 😀 face, 🐉 dragon', cjk: '漢字かな', rtl: 'עברית' },
  { nested: { z: { y: { x: [1, { d: 4, c: 3 }, [true, false, null]] } }, a: [] } },
  [{ id: 'b', v: -12 }, { id: 'a', v: 0 }, 'str', 12345678901234, -1],
];

describe('canonical JSON and CRC-32 match an independent implementation', () => {
  it('C1: python3 json + zlib.crc32 agree on text and unsigned CRC for tricky input', () => {
    const reference = pythonCanonical(TRICKY);
    TRICKY.forEach((value, index) => {
      const ours = canonicalJson(value);
      assert.equal(ours, reference[index]?.text, `canonical text of case ${index}`);
      assert.equal(crc32Utf8(ours), reference[index]?.crc, `crc of case ${index}`);
      assert.ok(crc32Utf8(ours) >= 0, 'unsigned');
    });
  });

  it('C2: keys sort by UTF-16 code units, not by code points', () => {
    // U+FFFF sorts after U+1F600 by code point, before it by UTF-16 units (0xD83D...)
    assert.equal(canonicalJson({ '\uffff': 1, '😀': 2 }), '{"😀":2,"\uffff":1}');
  });

  it('C3: crc32Combine equals the CRC of the concatenation', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 200; i++) {
      const a = randomText(random);
      const b = randomText(random);
      assert.equal(crc32Combine(crc32Utf8(a), crc32Utf8(b), utf8Length(b)), crc32Utf8(a + b));
    }
  });

  it('C4: utf8Length equals Buffer.byteLength', () => {
    for (const text of ['', 'abc', 'é', '漢字', '😀🐉', 'a\ud800b', '\udc00']) {
      assert.equal(utf8Length(text), Buffer.byteLength(text, 'utf8'), JSON.stringify(text));
    }
  });

  it('C5: the document CRC, kept key by key, equals the CRC of the whole canonical JSON', () => {
    const random = seededRandom(11);
    const doc = new StateDocument();
    const plain: JsonObject = {};
    for (let step = 0; step < 300; step++) {
      const key = `k${Math.floor(random() * 8)}`;
      if (random() < 0.2) {
        doc.set(key, undefined);
        delete plain[key];
      } else {
        const value = { text: randomText(random), n: Math.floor(random() * 1000) };
        doc.set(key, value);
        plain[key] = value;
      }
      const canonical = canonicalJson(plain);
      assert.equal(doc.crc(), crc32Utf8(canonical), `crc at step ${step}`);
      assert.equal(doc.byteLength(), Buffer.byteLength(canonical), `bytes at step ${step}`);
    }
  });
});

function randomText(random: () => number): string {
  const alphabet = ['a', 'Z', '0', ' ', '"', '\\', '\n', 'é', '漢', '😀', '𝄞', '\u0001'];
  const length = Math.floor(random() * 20);
  return Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
}
