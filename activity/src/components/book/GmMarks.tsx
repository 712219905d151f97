import { useGm } from '../../store/gm-store';

/** The hidden layer's marks on this page: rendered only where the document is, on game masters' screens. */
export function GmMarks({ pdfId, pageNum }: { pdfId: string; pageNum: number }) {
  const marks = useGm((s) => s.gm?.marks);
  const here = (marks ?? []).filter((mark) => mark.pdfId === pdfId && mark.pageNum === pageNum);
  if (here.length === 0) return null;
  return (
    <div className="gm-marks-layer" aria-label="Hidden marks">
      {here.map((mark) => (
        <span key={mark.id} className="gm-mark" style={{ left: `${mark.x * 100}%`, top: `${mark.y * 100}%` }}>
          {mark.text}
        </span>
      ))}
    </div>
  );
}
