import { addPossession, removePossession, type Character } from '../../model/characters';
import type { ItemEdit } from '../../store/hooks';
import { AddForm } from '../AddForm';

interface Props {
  character: Character;
  edit: ItemEdit;
}

export function Inventory({ character, edit }: Props) {
  const title = character.name || 'Unnamed adventurer';
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
