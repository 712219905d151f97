import { addPossession, removePossession } from '../../model/characters';
import { AddForm } from '../AddForm';
import type { SheetPartProps } from './sheet-part';

export function Inventory({ character, title, edit }: SheetPartProps) {
  return (
    <section className="inventory" aria-label="Possessions">
      <span className="small-caps">Possessions</span>
      <ul>
        {character.inventory.map((possession) => (
          <li key={possession.id}>
            <span>{possession.text}</span>
            <button className="icon faint" aria-label={`Drop ${possession.text}`} onClick={() => edit((c) => removePossession(c, possession.id))}>
              ✕
            </button>
          </li>
        ))}
      </ul>
      <AddForm label={`New possession for ${title}`} placeholder="Sword, lantern, 3 meals…" onAdd={(text) => edit((c) => addPossession(c, text))} />
    </section>
  );
}
