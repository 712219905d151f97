import { appendItem } from '../../model/collection';
import { newCharacter, readCharacters } from '../../model/characters';
import { useList } from '../../store/hooks';
import { useTable } from '../../store/table-store';
import { CharacterSheet } from './CharacterSheet';

export function SheetsPanel() {
  const characters = useList('characters', readCharacters);
  const editList = useTable((s) => s.editList);
  const myName = useTable((s) => s.identity?.user.name ?? '');
  const add = () => editList('characters', (list) => appendItem(list, newCharacter(characters.length === 0 ? myName : '')));
  return (
    <div className="panel-body">
      <div className="panel-head">
        <h2 className="panel-title">Adventure sheets</h2>
        <button className="accent" onClick={add}>
          + Character
        </button>
      </div>
      {characters.length === 0 && <p className="empty">No adventurer yet. Add one to track skill, stamina, luck, gold and what you carry.</p>}
      {characters.map((character) => (
        <CharacterSheet key={character.id} character={character} />
      ))}
    </div>
  );
}
