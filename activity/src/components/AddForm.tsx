import { useState, type FormEvent } from 'react';

/** A one-line "add" form: a text field and a button; empty text adds nothing. */
export function AddForm({ label, placeholder, onAdd }: { label: string; placeholder: string; onAdd: (text: string) => void }) {
  const [text, setText] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    onAdd(text.trim());
    setText('');
  };
  return (
    <form className="row add-form" onSubmit={submit}>
      <input aria-label={label} value={text} maxLength={120} placeholder={placeholder} onChange={(e) => setText(e.target.value)} />
      <button type="submit" disabled={!text.trim()}>
        Add
      </button>
    </form>
  );
}
