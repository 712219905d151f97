import { useEffect } from 'react';
import { useBook, type Tool } from '../../store/book-store';

const TOOLS: Array<[Tool, string]> = [
  ['hand', 'Move'],
  ['pen', 'Pen'],
  ['eraser', 'Eraser'],
  ['token', 'Token'],
  ['laser', 'Laser'],
];
const COLORS = ['#b3261e', '#1d4ed8', '#15803d', '#2b2118', '#d97706'];
const WIDTHS = [2, 4, 8];

/** The overlay's tools, colours, widths, and undo/redo of this player's own edits. */
export function DrawTools() {
  const tool = useBook((s) => s.tool);
  const color = useBook((s) => s.color);
  const width = useBook((s) => s.width);
  const canUndo = useBook((s) => s.canUndo);
  const canRedo = useBook((s) => s.canRedo);
  const { setTool, setColor, setWidth, undo, redo } = useBook.getState();

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== 'z') return;
      if ((event.target as HTMLElement | null)?.closest('input, textarea')) return;
      event.preventDefault();
      if (event.shiftKey) redo();
      else undo();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [undo, redo]);

  return (
    <div className="draw-tools" role="toolbar" aria-label="Drawing tools">
      {TOOLS.map(([id, label]) => (
        <button key={id} type="button" aria-pressed={tool === id} onClick={() => setTool(id)}>
          {label}
        </button>
      ))}
      <span className="swatches">
        {COLORS.map((value) => (
          <button key={value} type="button" className="swatch" aria-label={`Colour ${value}`} aria-pressed={color === value} style={{ background: value }} onClick={() => setColor(value)} />
        ))}
      </span>
      <select aria-label="Line width" value={width} onChange={(event) => setWidth(Number(event.target.value))}>
        {WIDTHS.map((value) => (
          <option key={value} value={value}>
            {value} pt
          </option>
        ))}
      </select>
      <button type="button" onClick={undo} disabled={!canUndo}>
        Undo
      </button>
      <button type="button" onClick={redo} disabled={!canRedo}>
        Redo
      </button>
    </div>
  );
}
