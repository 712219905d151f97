import type { Character } from '../../model/characters';
import type { ItemEdit } from '../../store/hooks';

/** What each part of a sheet gets: the character shown, its title, and the editor of its item. */
export interface SheetPartProps {
  character: Character;
  title: string;
  edit: ItemEdit;
}

export function sheetTitle(character: Character): string {
  return character.name || 'Unnamed adventurer';
}
