import { removeItem } from '../../model/collection';
import { setField, type Character } from '../../model/characters';
import { useItemEditor } from '../../store/hooks';
import { useTable } from '../../store/table-store';
import { Stepper } from '../Stepper';
import { Inventory } from './Inventory';
import { sheetTitle } from './sheet-part';
import { StatList } from './StatList';
import { Icon } from '../Icon';

/** One adventure sheet, in the style of a gamebook's: scores, purse, possessions, notes. */
export function CharacterSheet({ character }: { character: Character }) {
  const edit = useItemEditor('characters', character.id);
  const editList = useTable((s) => s.editList);
  const title = sheetTitle(character);
  const remove = () => {
    if (confirm(`Remove the sheet of ${title}?`)) editList('characters', (list) => removeItem(list, character.id));
  };

  return (
    <article className="card sheet" aria-label={`Sheet of ${title}`}>
      <header className="sheet-head">
        <input className="sheet-name" aria-label="Character name" value={character.name} placeholder="Name" maxLength={64} onChange={(e) => edit((c) => setField(c, 'name', e.target.value))} />
        <button className="icon" aria-label={`Remove ${title}`} onClick={remove}>
          <Icon name="trash" size={18} />
        </button>
      </header>
      <StatList character={character} title={title} edit={edit} />
      <div className="purse">
        <div className="purse-item">
          <span className="small-caps">Gold</span>
          <Stepper label={`${title} gold`} value={character.gold} min={0} onChange={(gold) => edit((c) => setField(c, 'gold', gold))} />
        </div>
        <div className="purse-item">
          <span className="small-caps">Provisions</span>
          <Stepper label={`${title} provisions`} value={character.provisions} min={0} onChange={(value) => edit((c) => setField(c, 'provisions', value))} />
        </div>
      </div>
      <Inventory character={character} title={title} edit={edit} />
      <label className="field">
        <span className="small-caps">Notes</span>
        <textarea aria-label={`${title} notes`} value={character.notes} rows={3} placeholder="Clues, codewords, paragraphs visited…" onChange={(e) => edit((c) => setField(c, 'notes', e.target.value))} />
      </label>
    </article>
  );
}
