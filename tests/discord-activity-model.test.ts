import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { placeLabel } from '../activity/src/platform/discord-place';
import { LatestEvery, playingOf } from '../activity/src/platform/rich-presence';

const book = { id: 'p1', name: 'The Warlock of Firetop Mountain.pdf', size: 1, sha256: 'x', url: '/pdf/p1' };

describe('the activity inside Discord: pure parts', () => {
  it('DA8: the table names its channel: #name, or words for a channel Discord did not name', () => {
    assert.equal(placeLabel({ kind: 'text', channelId: '1', guildId: 'g', name: 'general' }), '#general');
    assert.equal(placeLabel({ kind: 'voice', channelId: '1', guildId: 'g', name: 'Tavern' }), '#Tavern');
    assert.equal(placeLabel({ kind: 'voice', channelId: '1', guildId: 'g', name: null }), 'this voice channel');
    assert.equal(placeLabel({ kind: 'dm', channelId: '1', guildId: null, name: null }), 'this conversation');
    assert.equal(placeLabel({ kind: 'text', channelId: '1', guildId: 'g', name: null }), 'this channel');
    assert.equal(placeLabel({ kind: 'dm', channelId: '1', guildId: null, name: '' }), 'this conversation');
  });

  it('DA9: rich presence says the book (without .pdf) and the page, or that the table is being set up', () => {
    assert.deepEqual(playingOf({ pdfs: [], view: null, pageCount: 1 }), { details: 'Setting up the table' });
    assert.deepEqual(playingOf({ pdfs: [book], view: { pdfId: 'p1', currentPage: 7, scale: 1 }, pageCount: 400 }), {
      details: 'The Warlock of Firetop Mountain',
      state: 'Page 7 of 400',
    });
    // the page count of a book not drawn yet is unknown (1): never "page 7 of 1"
    assert.equal(playingOf({ pdfs: [book], view: { pdfId: 'p1', currentPage: 7, scale: 1 }, pageCount: 1 }).state, 'Page 7 of 7');
    const long = playingOf({ pdfs: [{ ...book, name: `${'A'.repeat(300)}.pdf` }], view: { pdfId: 'p1', currentPage: 1, scale: 1 }, pageCount: 1 });
    assert.equal(long.details.length, 128);
    assert.deepEqual(playingOf({ pdfs: [book], view: { pdfId: 'gone', currentPage: 1, scale: 1 }, pageCount: 1 }), { details: 'Setting up the table' });
  });

  it('DA10: presence updates are throttled: the first at once, a burst becomes its last value once the interval is over, an unchanged value is not sent again, nothing after stop', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    try {
      const sent: number[] = [];
      const presence = new LatestEvery<number>(5000, (value) => sent.push(value));
      presence.push(1);
      assert.deepEqual(sent, [1]);
      for (const value of [2, 3, 4, 5]) {
        mock.timers.tick(500);
        presence.push(value);
      }
      assert.deepEqual(sent, [1], 'nothing more within the interval');
      mock.timers.tick(3000);
      assert.deepEqual(sent, [1, 5], 'the last of the burst, once');
      mock.timers.tick(60_000);
      presence.push(5);
      mock.timers.tick(60_000);
      assert.deepEqual(sent, [1, 5], 'unchanged: not sent again');
      presence.push(6);
      assert.deepEqual(sent, [1, 5, 6], 'after a quiet interval, at once');
      presence.push(7);
      presence.stop();
      mock.timers.tick(60_000);
      assert.deepEqual(sent, [1, 5, 6], 'stopped: what waited is dropped');
    } finally {
      mock.timers.reset();
    }
  });
});
