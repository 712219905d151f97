import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useBook } from '../../store/book-store';
import { useTable } from '../../store/table-store';
import { useIsStaff } from '../../store/roles-hooks';

/** The host's and game masters' way in for a PDF: a picker button, and dropping a file anywhere on `children`. */
export function PdfDropZone({ children }: { children: ReactNode }) {
  const isStaff = useIsStaff();
  const upload = useUpload();
  const [over, setOver] = useState(false);
  if (!isStaff) return <>{children}</>;
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file) upload(file);
  };
  return (
    <div
      className={`book-drop${over ? ' over' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      {children}
    </div>
  );
}

export function PdfPickButton({ label = 'Open a PDF' }: { label?: string }) {
  const input = useRef<HTMLInputElement>(null);
  const upload = useUpload();
  const progress = useBook((s) => s.upload);
  return (
    <span className="pdf-pick">
      <button type="button" onClick={() => input.current?.click()} disabled={progress !== null}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        accept="application/pdf,.pdf"
        aria-label="PDF file"
        hidden
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) upload(file);
          event.target.value = '';
        }}
      />
      {progress !== null && <progress className="upload-progress" aria-label="Upload progress" max={1} value={progress} />}
    </span>
  );
}

function useUpload(): (file: File) => void {
  const uploadFile = useBook((s) => s.uploadFile);
  const say = useTable((s) => s.say);
  return (file) => {
    uploadFile(file).catch((error: Error) => say(`The PDF was not uploaded: ${error.message}`));
  };
}
