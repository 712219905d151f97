import { applies, invertEdit, type LayerEdit, type PageLayers } from './layer-items';

/** An edit this player made, with the page it was made on. */
export interface MyEdit {
  pdfId: string;
  pageNum: number;
  edit: LayerEdit;
}

/**
 * Undo and redo of this player's own edits only: the stack records nothing anyone else does,
 * and an undo that no longer applies (someone removed the item since) is skipped.
 */
export class UndoStack {
  private done: MyEdit[] = [];
  private undone: MyEdit[] = [];

  constructor(private readonly limit = 200) {}

  record(edit: MyEdit): void {
    this.done.push(edit);
    if (this.done.length > this.limit) this.done.shift();
    this.undone = [];
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  /** The edit that undoes this player's latest edit still applicable to `layersOf` its page. */
  undo(layersOf: (pdfId: string, pageNum: number) => PageLayers): MyEdit | undefined {
    return this.step(this.done, this.undone, layersOf);
  }

  redo(layersOf: (pdfId: string, pageNum: number) => PageLayers): MyEdit | undefined {
    return this.step(this.undone, this.done, layersOf);
  }

  private step(from: MyEdit[], to: MyEdit[], layersOf: (pdfId: string, pageNum: number) => PageLayers): MyEdit | undefined {
    for (;;) {
      const mine = from.pop();
      if (!mine) return undefined;
      const inverse = { ...mine, edit: invertEdit(mine.edit) };
      if (!applies(layersOf(mine.pdfId, mine.pageNum), inverse.edit)) continue;
      // what undoes an undo is the edit itself, and the other way round
      to.push(inverse);
      return inverse;
    }
  }
}
