import { useEffect, useState } from 'react';
import type { PageView } from '../../../../shared/layers-protocol';
import { changeToken, TOKEN_SIZES, type Token } from '../../book/layer-items';
import { useBook } from '../../store/book-store';

const SIZE_NAMES = ['Small', 'Standard', 'Large', 'Huge'];

/** The selected token of this page: its label, its size, and delete; each change an edit others see (and undo can take back). */
export function TokenEditor({ view }: { view: PageView }) {
  const selected = useBook((s) => s.selectedToken);
  // re-read when any page's layers change: the token may have been edited or removed by someone else
  useBook((s) => s.layersTick);
  const token = selected ? useBook.getState().layersOf(view.pdfId, view.currentPage).tokens.find((item) => item.id === selected) : undefined;
  if (!token) return null;
  return <TokenFields key={token.id} token={token} view={view} />;
}

function TokenFields({ token, view }: { token: Token; view: PageView }) {
  const [label, setLabel] = useState(token.label);
  useEffect(() => setLabel(token.label), [token.label]);
  const { edit, selectToken } = useBook.getState();
  const change = (fields: Parameters<typeof changeToken>[1]) => edit(view.pdfId, view.currentPage, changeToken(token, fields));
  const saveLabel = () => {
    const text = label.trim().slice(0, 40);
    if (text !== token.label) change({ label: text });
  };
  return (
    <span className="token-editor" role="group" aria-label="Token">
      <input
        aria-label="Token label"
        value={label}
        maxLength={40}
        placeholder="Label"
        onChange={(event) => setLabel(event.target.value)}
        onBlur={saveLabel}
        onKeyDown={(event) => event.key === 'Enter' && saveLabel()}
      />
      <select aria-label="Token size" value={token.size} onChange={(event) => change({ size: Number(event.target.value) })}>
        {TOKEN_SIZES.map((size, i) => (
          <option key={size} value={size}>
            {SIZE_NAMES[i]}
          </option>
        ))}
      </select>
      <button
        type="button"
        aria-label="Delete token"
        onClick={() => {
          edit(view.pdfId, view.currentPage, { kind: 'remove', list: 'tokens', item: token });
          selectToken(null);
        }}
      >
        Delete token
      </button>
    </span>
  );
}
