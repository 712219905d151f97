import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasOwnLabels, labelOf, labelsOf, numberedFrom, pageOf, printedPageOneOf } from '../activity/src/book/page-labels';
import { hiddenPagesOf } from '../activity/src/model/table-roles';
import { findOnPage, rankHits, searchPattern } from '../activity/src/book/text-search';
import { centreOf, fitScale, scrollFor } from '../activity/src/book/view-fit';
import { newBookmark, readBookmarks } from '../activity/src/model/bookmarks';

const LABELS = ['i', 'ii', 'iii', 'iv', '1', '2', '3'];

describe('page labels', () => {
  it('shows a page by its printed label, or its number when the PDF has none', () => {
    assert.equal(labelOf(2, LABELS), 'ii');
    assert.equal(labelOf(5, LABELS), '1');
    assert.equal(labelOf(9, LABELS), '9', 'past the labels: the number');
    assert.equal(labelOf(3, null), '3');
  });

  it('the page field takes a label first, then a number in range; anything else is no page', () => {
    assert.equal(pageOf('2', LABELS, 7), 6, '"2" is the page printed 2');
    assert.equal(pageOf(' III ', LABELS, 7), 3);
    assert.equal(pageOf('7', LABELS, 7), 7, 'a number no label has: its place in the file');
    assert.equal(pageOf('12', null, 12), 12);
    assert.equal(pageOf('13', null, 12), null);
    assert.equal(pageOf('0', null, 12), null);
    assert.equal(pageOf('x', LABELS, 7), null);
    assert.equal(pageOf('', LABELS, 7), null);
  });

  it('labels that only repeat the numbers are not shown as labels', () => {
    assert.equal(hasOwnLabels(['1', '2', '3']), false);
    assert.equal(hasOwnLabels(LABELS), true);
    assert.equal(hasOwnLabels(null), false);
  });
});

describe("a game master's page numbering and hidden pages", () => {
  it('printed page 1 at the file page n: the pages before keep their place in brackets, and typed numbers mean printed ones', () => {
    const labels = numberedFrom(3, 6);
    assert.deepEqual(labels, ['(1)', '(2)', '1', '2', '3', '4']);
    assert.equal(pageOf('2', labels, 6), 4, '"2" is printed 2, the file page 4');
    assert.equal(pageOf('(2)', labels, 6), 2);
    assert.equal(pageOf('6', labels, 6), 6, 'a number no label has: its place');
    assert.ok(hasOwnLabels(labels));
    assert.deepEqual(numberedFrom(1, 3), ['1', '2', '3']);
  });

  it("the numbering wins over the PDF's labels; it is read per book, and a bad value is none", () => {
    assert.deepEqual(labelsOf(LABELS, 2, 3), ['(1)', '1', '2']);
    assert.equal(labelsOf(LABELS, null, 7), LABELS);
    assert.equal(printedPageOneOf({ a: 3, b: 5 }, 'b'), 5);
    for (const bad of [undefined, null, [3], { a: 0 }, { a: 2.5 }, { a: '3' }]) assert.equal(printedPageOneOf(bad as never, 'a'), null, JSON.stringify(bad));
    assert.equal(printedPageOneOf({ a: 3 }, null), null);
  });

  it("hidden pages are read per book from the shared list's keys", () => {
    assert.deepEqual([...hiddenPagesOf(['a:3', 'b:4', 'a:10', 'ab:5'], 'a')].sort((x, y) => x - y), [3, 10]);
  });
});

describe('searching the text', () => {
  it('a number matches whole, not inside another', () => {
    const pattern = searchPattern('212')!;
    assert.ok(findOnPage(1, ['Turn to 212.'], pattern));
    assert.equal(findOnPage(2, ['Turn to 2120 or 1212.'], pattern), null);
  });

  it('words match whatever their case and spacing; the snippet shows the text around', () => {
    const hit = findOnPage(4, ['You enter the DARK', 'forest and hear a sound far away in the trees'], searchPattern('dark forest')!);
    assert.equal(hit?.page, 4);
    assert.match(hit!.snippet, /DARK forest/);
    assert.equal(searchPattern('   '), null);
    assert.ok(findOnPage(1, ['a+b (c)'], searchPattern('a+b (c)')!), 'what the player types is literal');
  });

  it('a line that is the section heading ranks first, then pages in order', () => {
    const pattern = searchPattern('212')!;
    const hits = [findOnPage(3, ['Turn to 212'], pattern)!, findOnPage(216, ['Section 212', 'You win.'], pattern)!, findOnPage(1, ['212 is far'], pattern)!];
    assert.deepEqual(
      rankHits(hits).map((hit) => [hit.page, hit.heading]),
      [
        [216, true],
        [1, false],
        [3, false],
      ],
    );
  });
});

describe('fitting and the scroll as fractions of the page', () => {
  const page = { width: 400, height: 560 };
  it('fit width uses the width; fit page the smaller of the two', () => {
    assert.equal(fitScale('width', page, { width: 816, height: 300 }), 2);
    assert.equal(fitScale('page', page, { width: 816, height: 296 }), 0.5);
  });

  it('the centre of the view goes out as fractions and comes back as the same point on another screen', () => {
    const stage = { width: 800, height: 1120 };
    const offset = { left: 10, top: 10 };
    const centre = centreOf({ scrollLeft: 110, scrollTop: 500, clientWidth: 400, clientHeight: 300 }, stage, offset);
    assert.deepEqual(centre, { scrollX: 0.375, scrollY: 0.5714 });
    // a follower with a smaller window, the page at twice the size
    const big = { width: 1600, height: 2240 };
    const scroll = scrollFor(centre, { clientWidth: 300, clientHeight: 200 }, big, offset);
    const back = centreOf({ scrollLeft: scroll.left, scrollTop: scroll.top, clientWidth: 300, clientHeight: 200 }, big, offset);
    assert.ok(Math.abs(back.scrollX - centre.scrollX) < 0.001 && Math.abs(back.scrollY - centre.scrollY) < 0.001, JSON.stringify(back));
  });

  it('a centre outside the page is clamped to its edge', () => {
    assert.deepEqual(centreOf({ scrollLeft: 0, scrollTop: 0, clientWidth: 2000, clientHeight: 10 }, { width: 400, height: 560 }, { left: 0, top: 0 }), { scrollX: 1, scrollY: 0.0089 });
  });
});

describe('bookmarks', () => {
  it('a blank name becomes the page label; names are cut to their limit; shown in page order', () => {
    const a = newBookmark('book', 46, '  ', '42', 'Gil');
    assert.equal(a.name, 'Page 42');
    const b = newBookmark('book', 5, 'x'.repeat(200), '1', 'Gil');
    assert.equal((b.name as string).length, 80);
    const read = readBookmarks([a, b, { id: 'broken', page: 'nine' }]);
    assert.deepEqual(
      read.map((mark) => mark.page),
      [5, 46],
      'the unreadable one left out',
    );
  });
});
