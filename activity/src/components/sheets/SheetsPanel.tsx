import { appendItem } from '../../model/collection';
import { newCharacter, readCharacters, type Character } from '../../model/characters';
import { editList, useList } from '../../store/hooks';
import { useTable } from '../../store/table-store';
import { WindowedList } from '../WindowedList';
import { CharacterSheet } from './CharacterSheet';

const sheet = (character: Character) => <CharacterSheet key={character.id} character={character} />;

export function SheetsPanel() {
  const characters = useList('characters', readCharacters);
  const myName = useTable((s) => s.identity?.user.name ?? '');
  const me = useTable((s) => s.identity?.user.id);
  // a new sheet is its maker's: others (but the game masters) cannot change it
  const add = () => editList('characters', (list) => appendItem(list, newCharacter(list.length === 0 ? myName : '', me)));
  return (
    <div className="panel-body">
      <div className="panel-head">
        <h2 className="panel-title">Adventure sheets</h2>
        <button className="accent" onClick={add}>
          + Character
        </button>
      </div>
      {characters.length === 0 && <p className="empty">No adventurer yet. Add one to track skill, stamina, luck, gold and what you carry.</p>}
      <WindowedList items={characters} render={sheet} className="sheets-list" gap={14} itemHeight={520} />
    </div>
  );
}
