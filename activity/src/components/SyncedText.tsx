import { useCallback, useLayoutEffect, useRef, type ChangeEvent, type InputHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { mapSelection, type TextSelection } from '../model/caret';

type TextField = HTMLInputElement | HTMLTextAreaElement;

/** What the field held and where its selection was, when this player last typed or moved in it. */
interface Seen extends TextSelection {
  value: string;
  direction: TextField['selectionDirection'];
}

interface SyncedProps {
  /** The shared text, which others' edits change while this player may be typing in it. */
  value: string;
  onText: (text: string) => void;
}

/**
 * The props of a text field whose shared `value` others edit: when their edit arrives, the
 * caret and selection of a player typing in it stay on the same characters. React writes a
 * changed value into the element, which puts a focused caret at the end; the selection seen
 * before is mapped through the change and set back before the browser paints.
 */
function useKeptSelection<E extends TextField>({ value, onText }: SyncedProps) {
  const ref = useRef<E>(null);
  const seen = useRef<Seen>({ value, start: value.length, end: value.length, direction: 'none' });

  const remember = useCallback(() => {
    const field = ref.current;
    if (!field) return;
    const end = field.value.length;
    seen.current = { value: field.value, start: field.selectionStart ?? end, end: field.selectionEnd ?? end, direction: field.selectionDirection };
  }, []);

  useLayoutEffect(() => {
    const field = ref.current;
    const before = seen.current;
    if (!field || before.value === value) return;
    // setting a selection on a field without focus would steal it on some browsers
    if (document.activeElement === field) {
      const { start, end } = mapSelection(before.value, value, before);
      field.setSelectionRange(start, end, before.direction ?? undefined);
    }
    remember();
  }, [value, remember]);

  const onChange = (event: ChangeEvent<E>) => {
    remember();
    onText(event.target.value);
  };
  return { ref, value, onChange, onSelect: remember, onFocus: remember };
}

type Native<A> = Omit<A, keyof SyncedProps | 'onChange' | 'onSelect' | 'onFocus'>;

/** A one-line shared text field (see `useKeptSelection`). */
export function SyncedInput({ value, onText, ...native }: SyncedProps & Native<InputHTMLAttributes<HTMLInputElement>>) {
  return <input {...native} {...useKeptSelection<HTMLInputElement>({ value, onText })} />;
}

/** A multi-line shared text field (see `useKeptSelection`). */
export function SyncedTextArea({ value, onText, ...native }: SyncedProps & Native<TextareaHTMLAttributes<HTMLTextAreaElement>>) {
  return <textarea {...native} {...useKeptSelection<HTMLTextAreaElement>({ value, onText })} />;
}
