import { removeItem } from '../../model/collection';
import { PURSE_MIN, setPurse, setText, stepPurse, type Character, type PurseField } from '../../model/characters';
import { memo } from 'react';
import { editList, useItemEditor } from '../../store/hooks';
import { probeRender } from '../../store/render-probe';
import { Stepper } from '../Stepper';
import { SyncedInput, SyncedTextArea } from '../SyncedText';
import { Inventory } from './Inventory';
import { sheetTitle, type SheetPartProps } from './sheet-part';
import { StatList } from './StatList';
import { Icon } from '../Icon';
import { maySheetBeEdited } from '../../model/table-roles';
import { useIsStaff } from '../../store/roles-hooks';
import { useTable } from '../../store/table-store';

/**
 * One adventure sheet, in the style of a gamebook's: scores, purse, possessions, notes. It
 * renders again only when its own character changed.
 */
export const CharacterSheet = memo(function CharacterSheet({ character }: { character: Character }) {
  probeRender('sheet', character.id);
  const edit = useItemEditor('characters', character.id);
  const title = sheetTitle(character);
  const me = useTable((s) => s.identity?.user.id);
  const editable = maySheetBeEdited(character, me, useIsStaff());
  const remove = () => {
    if (confirm(`Remove the sheet of ${title}?`)) editList('characters', (list) => removeItem(list, character.id));
  };

  return (
    <article className="card sheet" aria-label={`Sheet of ${title}`} data-editable={editable}>
      {/* the server refuses another player's edit anyway: the controls say so before */}
      <fieldset className="sheet-lock" disabled={!editable}>
      <header className="sheet-head">
        <SyncedInput className="sheet-name" aria-label="Character name" value={character.name} placeholder="Name" maxLength={64} onText={(text) => edit((c) => setText(c, 'name', text))} />
        <button className="icon" aria-label={`Remove ${title}`} onClick={remove}>
          <Icon name="trash" size={18} />
        </button>
      </header>
      <StatList character={character} title={title} edit={edit} />
      <div className="purse">
        <PurseItem field="gold" name="Gold" character={character} title={title} edit={edit} />
        <PurseItem field="provisions" name="Provisions" character={character} title={title} edit={edit} />
      </div>
      <Inventory character={character} title={title} edit={edit} />
      <label className="field">
        <span className="small-caps">Notes</span>
        <SyncedTextArea
          aria-label={`${title} notes`}
          value={character.notes}
          rows={3}
          placeholder="Clues, codewords, paragraphs visited…"
          onText={(text) => edit((c) => setText(c, 'notes', text))}
        />
      </label>
      </fieldset>
    </article>
  );
});

function PurseItem({ field, name, character, title, edit }: SheetPartProps & { field: PurseField; name: string }) {
  return (
    <div className="purse-item">
      <span className="small-caps">{name}</span>
      <Stepper
        label={`${title} ${field}`}
        value={character[field]}
        min={PURSE_MIN}
        onStep={(step) => edit((c) => stepPurse(c, field, step))}
        onSet={(value) => edit((c) => setPurse(c, field, value))}
      />
    </div>
  );
}
