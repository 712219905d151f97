import { wholeNumber } from '../model/collection';

interface StepperProps {
  label: string;
  value: number;
  /** A − or + click: a step, so that others' steps made at the same moment count too. */
  onStep: (step: number) => void;
  /** A number typed into the field: it replaces the value. */
  onSet: (value: number) => void;
  min?: number;
  /** Large buttons for counters, which are clicked far more than typed into. */
  big?: boolean;
}

/** A whole number with − and + buttons big enough for a thumb, and a field to type into. */
export function Stepper({ label, value, onStep, onSet, min, big = false }: StepperProps) {
  return (
    <div className={`stepper${big ? ' big' : ''}`} role="group" aria-label={label}>
      <button type="button" aria-label={`${label} minus one`} onClick={() => onStep(-1)} disabled={min !== undefined && value <= min}>
        −
      </button>
      <input
        aria-label={label}
        inputMode="numeric"
        value={String(value)}
        onChange={(e) => onSet(wholeNumber(Number.parseInt(e.target.value, 10), value, min))}
        onFocus={(e) => e.target.select()}
      />
      <button type="button" aria-label={`${label} plus one`} onClick={() => onStep(1)}>
        +
      </button>
    </div>
  );
}
