import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clampPage, clampScale, follow, startFollowing, type FollowState } from '../activity/src/book/follow';
import { applies, applyEdit, EMPTY_LAYERS, invertEdit, readLayers, strokeAt, tokenAt, type PageLayers, type Stroke, type Token } from '../activity/src/book/layer-items';
import { applyLive, CURSOR_FADE_MS, isMoving, LASER_FADE_MS, pointerOpacity, type LiveMark } from '../activity/src/book/live-marks';
import { backingSize, pinch, toPage, toScreen } from '../activity/src/book/page-coords';
import { MAX_REBASES, rebaseEdits, UnconfirmedEdits, type PageSend } from '../activity/src/book/rebase-edits';
import { UndoStack } from '../activity/src/book/undo-stack';

const view = (currentPage: number, scale = 1, pdfId = 'book') => ({ pdfId, currentPage, scale });
const stroke = (id: string, by = 'me', points: Array<[number, number]> = [[10, 10], [20, 20]]): Stroke => ({ id, by, color: '#000', width: 4, points });
const token = (id: string, x = 50, y = 50, by = 'me'): Token => ({ id, by, color: '#f00', label: 'H', x, y, size: 1 });

describe('page coordinates', () => {
  it('a point keeps its page position at every zoom', () => {
    const box = { left: 100, top: 40 };
    for (const scale of [0.5, 1, 1.25, 3]) {
      const onScreen = toScreen({ x: 72, y: 144 }, scale);
      assert.deepEqual(toPage({ x: box.left + onScreen.x, y: box.top + onScreen.y }, box, scale), { x: 72, y: 144 });
    }
  });

  it('rounds to hundredths and sizes canvases in device pixels', () => {
    assert.deepEqual(toPage({ x: 1 / 3, y: 2 / 3 }, { left: 0, top: 0 }, 1), { x: 0.33, y: 0.67 });
    assert.equal(backingSize(400.4, 2), 801);
    assert.equal(backingSize(0, 2), 1);
  });

  it('pinch: spread doubles, zoom doubles, around the midpoint', () => {
    const result = pinch([{ x: 0, y: 0 }, { x: 100, y: 0 }], [{ x: -50, y: 0 }, { x: 150, y: 0 }]);
    assert.equal(result.factor, 2);
    assert.deepEqual(result.center, { x: 50, y: 0 });
    assert.equal(pinch([{ x: 0, y: 0 }, { x: 0, y: 0 }], [{ x: 1, y: 0 }, { x: 2, y: 0 }]).factor, 1);
  });
});

describe('following the host', () => {
  it('follows the host until the player looks around, then comes back in one step', () => {
    let state: FollowState = startFollowing(view(1));
    state = follow(state, { type: 'host-moved', view: view(2, 1.5) });
    assert.deepEqual(state.view, view(2, 1.5));
    state = follow(state, { type: 'i-moved', view: view(5, 1.5), isHost: false });
    assert.equal(state.following, false);
    state = follow(state, { type: 'host-moved', view: view(3, 1.5) });
    assert.deepEqual(state.view, view(5, 1.5), 'looking around: the host does not move this player');
    assert.deepEqual(state.hostView, view(3, 1.5));
    state = follow(state, { type: 'resume' });
    assert.equal(state.following, true);
    assert.deepEqual(state.view, view(3, 1.5));
  });

  it("the host's own moves are the table's view, and summoning brings everyone", () => {
    let state = follow(startFollowing(null), { type: 'i-moved', view: view(4), isHost: true });
    assert.equal(state.following, true);
    assert.deepEqual(state.hostView, view(4));
    state = follow({ ...state, following: false, view: view(9) }, { type: 'summoned', view: view(7, 2) });
    assert.deepEqual(state, { view: view(7, 2), hostView: view(7, 2), following: true });
  });

  it('a player with nothing shown takes the host view even when not following', () => {
    const state = follow({ view: null, hostView: null, following: false }, { type: 'host-moved', view: view(2) });
    assert.deepEqual(state.view, view(2));
  });

  it('clamps pages and zoom', () => {
    assert.equal(clampPage(0, 10), 1);
    assert.equal(clampPage(11, 10), 10);
    assert.equal(clampScale(100), 6);
    assert.equal(clampScale(0.01), 0.25);
    assert.equal(clampScale(1.23456), 1.235);
  });
});

describe('layer items', () => {
  it('reads layers tolerantly: odd items are skipped, missing lists are empty', () => {
    const layers = readLayers({ strokes: [stroke('a') as never, { nope: true }, { id: 'b', points: 'x' }], tokens: 'no' } as never);
    assert.deepEqual(layers.strokes.map((s) => s.id), ['a', 'b']);
    assert.deepEqual(layers.strokes[1]!.points, []);
    assert.deepEqual(layers.tokens, []);
    assert.deepEqual(readLayers([]), EMPTY_LAYERS);
    assert.deepEqual(readLayers(undefined), EMPTY_LAYERS);
  });

  it('adds, removes and moves items by id, and inverts each edit', () => {
    let layers: PageLayers = EMPTY_LAYERS;
    const add = { kind: 'add', list: 'tokens', item: token('t') } as const;
    layers = applyEdit(layers, add);
    assert.equal(applyEdit(layers, add), layers, 'adding an id twice changes nothing');
    const move = { kind: 'move', id: 't', from: { x: 50, y: 50 }, to: { x: 80, y: 90 } } as const;
    layers = applyEdit(layers, move);
    assert.deepEqual([layers.tokens[0]!.x, layers.tokens[0]!.y], [80, 90]);
    layers = applyEdit(layers, invertEdit(move));
    assert.deepEqual([layers.tokens[0]!.x, layers.tokens[0]!.y], [50, 50]);
    assert.equal(applies(layers, invertEdit(add)), true);
    layers = applyEdit(layers, invertEdit(add));
    assert.deepEqual(layers.tokens, []);
    assert.equal(applies(layers, move), false, 'moving a token that is gone does not apply');
  });

  it('finds the topmost stroke near a point and the token under it', () => {
    const layers: PageLayers = { strokes: [stroke('low', 'x', [[0, 0], [100, 0]]), stroke('top', 'y', [[50, 0], [50, 100]])], tokens: [token('t', 200, 200)] };
    assert.equal(strokeAt(layers, { x: 50, y: 3 }, 2)?.id, 'top');
    assert.equal(strokeAt(layers, { x: 10, y: 3 }, 2)?.id, 'low');
    assert.equal(strokeAt(layers, { x: 10, y: 30 }, 2), undefined);
    assert.equal(tokenAt(layers, { x: 205, y: 205 })?.id, 't');
    assert.equal(tokenAt(layers, { x: 250, y: 250 }), undefined);
  });
});

describe("undo stack: only this player's own edits", () => {
  it('undoes and redoes in order, and a new edit clears redo', () => {
    const stack = new UndoStack();
    let layers: PageLayers = EMPTY_LAYERS;
    const layersOf = () => layers;
    for (const id of ['a', 'b']) {
      const edit = { kind: 'add', list: 'strokes', item: stroke(id) } as const;
      stack.record({ pdfId: 'book', pageNum: 1, edit });
      layers = applyEdit(layers, edit);
    }
    let step = stack.undo(layersOf)!;
    layers = applyEdit(layers, step.edit);
    assert.deepEqual(layers.strokes.map((s) => s.id), ['a']);
    step = stack.redo(layersOf)!;
    layers = applyEdit(layers, step.edit);
    assert.deepEqual(layers.strokes.map((s) => s.id), ['a', 'b']);
    step = stack.undo(layersOf)!;
    layers = applyEdit(layers, step.edit);
    stack.record({ pdfId: 'book', pageNum: 1, edit: { kind: 'add', list: 'tokens', item: token('t') } });
    assert.equal(stack.canRedo, false);
  });

  it("never touches someone else's items, and skips edits that no longer apply", () => {
    const stack = new UndoStack();
    const mine = stroke('mine');
    stack.record({ pdfId: 'book', pageNum: 2, edit: { kind: 'add', list: 'strokes', item: mine } });
    // someone else drew after, and someone removed my stroke: nothing of mine is left to undo
    let layers: PageLayers = { strokes: [stroke('theirs', 'other')], tokens: [] };
    assert.equal(stack.undo(() => layers), undefined);
    assert.deepEqual(layers.strokes.map((s) => s.id), ['theirs']);
    stack.record({ pdfId: 'book', pageNum: 2, edit: { kind: 'add', list: 'strokes', item: mine } });
    layers = { strokes: [stroke('theirs', 'other'), mine], tokens: [] };
    const step = stack.undo(() => layers)!;
    assert.deepEqual(step.edit, { kind: 'remove', list: 'strokes', item: mine });
    assert.deepEqual(applyEdit(layers, step.edit).strokes.map((s) => s.id), ['theirs']);
  });

  it('keeps at most its limit', () => {
    const stack = new UndoStack(2);
    let layers: PageLayers = EMPTY_LAYERS;
    for (const id of ['a', 'b', 'c']) {
      const edit = { kind: 'add', list: 'strokes', item: stroke(id) } as const;
      stack.record({ pdfId: 'book', pageNum: 1, edit });
      layers = applyEdit(layers, edit);
    }
    let undone = 0;
    for (let step = stack.undo(() => layers); step; step = stack.undo(() => layers)) {
      layers = applyEdit(layers, step.edit);
      undone++;
    }
    assert.equal(undone, 2);
    assert.deepEqual(layers.strokes.map((s) => s.id), ['a']);
  });
});

describe('unconfirmed edits: rebased on the newest layers, never dropped for a stale base', () => {
  const conflict = { ok: false, error: { code: 'version-conflict', message: 'stale' } } as const;
  const ids = (layers: PageLayers) => [...layers.strokes, ...layers.tokens].map((item) => item.id);

  it('L10: rebasing replays only what this player did, item by item, on what others did meanwhile', () => {
    const base: PageLayers = { strokes: [stroke('s1', 'other'), stroke('s2', 'other')], tokens: [token('t1', 50, 50, 'other')] };
    const mine = [
      { kind: 'add', list: 'tokens', item: token('mine') },
      { kind: 'remove', list: 'strokes', item: stroke('s1', 'other') },
      { kind: 'move', id: 't1', from: { x: 50, y: 50 }, to: { x: 70, y: 80 } },
    ] as const;
    // meanwhile: another player drew s3 and removed the token this player moved
    const newest: PageLayers = { strokes: [...base.strokes, stroke('s3', 'other')], tokens: [] };
    const rebased = rebaseEdits(newest, mine);
    assert.deepEqual(ids(rebased), ['s2', 's3', 'mine'], 'their stroke stays, mine is added, the erase applies, the move of a removed token does not resurrect it');
    assert.deepEqual(rebaseEdits(rebased, mine), rebased, 'replaying onto layers that already hold the edits changes nothing');
  });

  const held = (revision: number) => () => revision;

  it('L10: a version-conflict sends the edits again rebased on the newer layers held, with bounded retries, then keeps them for the rejoin', () => {
    const edits = new UnconfirmedEdits('k');
    edits.record('book', 1, { kind: 'add', list: 'tokens', item: token('mine') });
    const newer: PageLayers = { strokes: [stroke('theirs', 'other')], tokens: [] };
    let sent = edits.next(held(1));
    assert.ok(sent);
    edits.answered(sent, conflict, 1);
    assert.equal(edits.next(held(1)), null, 'no newer layers held: sending again would only be refused again');
    assert.deepEqual(ids(edits.shown('book', 1, newer)), ['theirs', 'mine'], 'but the edit is kept and shown');
    edits.record('book', 1, { kind: 'add', list: 'strokes', item: stroke('next') });
    for (let attempt = 1; attempt <= MAX_REBASES + 1; attempt++) {
      sent = edits.next(held(attempt));
      assert.ok(sent, attempt === 1 ? 'the next edit takes the page along' : `rebase ${attempt - 1}`);
      edits.answered(sent, conflict, attempt + 1);
    }
    assert.equal(edits.next(held(MAX_REBASES + 2)), null, 'no loop: the retries are bounded');
    assert.deepEqual(ids(edits.shown('book', 1, newer)), ['theirs', 'next', 'mine'], 'still kept and shown');
    edits.reset(held(MAX_REBASES + 2));
    assert.ok((sent = edits.next(held(MAX_REBASES + 2))), 'a rejoin sends them again');
    edits.answered(sent, conflict, MAX_REBASES + 3);
    assert.ok((sent = edits.next(held(MAX_REBASES + 3))), 'with its retries renewed');
    edits.answered(sent, { ok: true, revision: MAX_REBASES + 4 }, MAX_REBASES + 3);
    assert.deepEqual(ids(edits.shown('book', 1, newer)), ['theirs', 'next', 'mine'], 'applied: replayed until the broadcast is held');
    edits.confirm('book', 1, MAX_REBASES + 4);
    assert.deepEqual(ids(edits.shown('book', 1, newer)), ['theirs'], 'confirmed: the layers held are the truth');
  });

  it('L11: one send at a time, each under a new update id; a later edit waits for the answer and then goes from the newer revision', () => {
    const edits = new UnconfirmedEdits('k');
    edits.record('book', 1, { kind: 'add', list: 'strokes', item: stroke('a') });
    const first = edits.next(held(1));
    assert.deepEqual(first && { base: first.baseRevision, id: first.updateId }, { base: 1, id: 'k-1' });
    edits.record('book', 1, { kind: 'add', list: 'strokes', item: stroke('b') });
    edits.record('book', 2, { kind: 'add', list: 'strokes', item: stroke('c') });
    assert.equal(edits.next(held(1)), null, 'nothing else while the first is unanswered');
    assert.deepEqual(ids(edits.carried(first as PageSend, EMPTY_LAYERS)), ['a'], 'the first carries what was made before it');
    edits.answered(first as PageSend, { ok: true, revision: 2 }, 2);
    const second = edits.next(held(2));
    assert.deepEqual(second && [second.pdfId, second.pageNum, second.baseRevision, second.updateId], ['book', 1, 2, 'k-2']);
    assert.deepEqual(ids(edits.carried(second as PageSend, EMPTY_LAYERS)), ['b'], 'a is held (revision 2): it is the truth now');
    edits.answered(second as PageSend, { ok: true, revision: 3 }, 3);
    const third = edits.next(held(0));
    assert.deepEqual(third && [third.pageNum, third.updateId], [2, 'k-3'], 'then the other page');
  });

  it('L11: a send whose answer was lost goes again after the rejoin under the same id, carrying only its own edits; answers from before the reset do not count', () => {
    const edits = new UnconfirmedEdits('k');
    edits.record('book', 1, { kind: 'add', list: 'strokes', item: stroke('a') });
    const lost = edits.next(held(3)) as PageSend;
    edits.record('book', 1, { kind: 'add', list: 'strokes', item: stroke('b') });
    edits.reset(held(4));
    edits.answered(lost, { ok: true, revision: 4 }, 4);
    assert.deepEqual(ids(edits.shown('book', 1, EMPTY_LAYERS)), ['a', 'b'], 'an answer from before the reset confirms nothing');
    const again = edits.next(held(4));
    assert.deepEqual(again && [again.updateId, again.baseRevision, again.upTo], ['k-1', 4, lost.upTo], 'the same id, from the layers held now');
    assert.deepEqual(ids(edits.carried(again as PageSend, EMPTY_LAYERS)), ['a'], 'b was made after it: it goes under an id of its own');
    edits.answered(again as PageSend, { ok: true, revision: 4 }, 4);
    const next = edits.next(held(4));
    assert.deepEqual(next && [next.updateId, ids(edits.carried(next, EMPTY_LAYERS))], ['k-2', ['b']]);
  });

  it('L10: any other refusal gives up the edits that send carried, as before', () => {
    const edits = new UnconfirmedEdits('k');
    edits.record('book', 2, { kind: 'add', list: 'strokes', item: stroke('huge') });
    const sent = edits.next(held(0)) as PageSend;
    edits.record('book', 2, { kind: 'add', list: 'strokes', item: stroke('later') });
    edits.answered(sent, { ok: false, error: { code: 'too-large', message: 'no' } }, 0);
    assert.deepEqual(ids(edits.shown('book', 2, EMPTY_LAYERS)), ['later']);
  });
});

describe('live marks', () => {
  it('keeps one mark per sender and page; a finished stroke leaves, a new page starts over', () => {
    const marks = new Map<string, LiveMark>();
    const from = { id: 'u1', name: 'Gil' };
    applyLive(marks, from, { pdfId: 'book', pageNum: 1, pointer: { x: 1, y: 2, laser: true }, stroke: { id: 's', color: '#000', width: 2, points: [[1, 2]] } }, 100);
    assert.equal(marks.get('u1')?.stroke?.id, 's');
    applyLive(marks, from, { pdfId: 'book', pageNum: 1, stroke: null }, 200);
    assert.equal(marks.get('u1')?.stroke, undefined);
    assert.equal(marks.get('u1')?.pointer?.at, 100);
    applyLive(marks, from, { pdfId: 'book', pageNum: 2 }, 300);
    assert.equal(marks.get('u1')?.pointer, undefined);
    assert.equal(marks.size, 1);
  });

  it('a laser fades out', () => {
    assert.equal(pointerOpacity(0), 1);
    assert.ok(pointerOpacity(LASER_FADE_MS * 0.7) < 1 && pointerOpacity(LASER_FADE_MS * 0.7) > 0);
    assert.equal(pointerOpacity(LASER_FADE_MS), 0);
    assert.equal(pointerOpacity(LASER_FADE_MS, false), 1, 'a plain pointer stays longer');
    assert.equal(pointerOpacity(CURSOR_FADE_MS, false), 0);
  });

  it('a mark moves while a stroke is drawn or a pointer is visible', () => {
    const from = { id: 'u', name: 'U' };
    const mark: LiveMark = { from, pdfId: 'b', pageNum: 1, pointer: { x: 0, y: 0, laser: true, at: 0 } };
    assert.equal(isMoving(mark, 100), true);
    assert.equal(isMoving(mark, LASER_FADE_MS + 1), false);
    assert.equal(isMoving({ ...mark, stroke: { id: 's', color: '#000', width: 1, points: [] } }, LASER_FADE_MS + 1), true);
  });
});
