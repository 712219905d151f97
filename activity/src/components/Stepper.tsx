import { wholeNumber } from '../model/collection';

interface StepperProps {
  label: string;
  value: number;
  onChange: (value: number) => void;
  min?: number;
  /** Large buttons for counters, which are clicked far more than typed into. */
  big?: boolean;
}

/** A whole number with − and + buttons big enough for a thumb, and a field to type into. */
export function Stepper({ label, value, onChange, min, big = false }: StepperProps) {
  const set = (next: number) => onChange(wholeNumber(next, value, min));
  return (
    <div className={`stepper${big ? ' big' : ''}`} role="group" aria-label={label}>
      <button type="button" aria-label={`${label} minus one`} onClick={() => set(value - 1)} disabled={min !== undefined && value <= min}>
        −
      </button>
      <input aria-label={label} inputMode="numeric" value={String(value)} onChange={(e) => set(Number.parseInt(e.target.value, 10))} onFocus={(e) => e.target.select()} />
      <button type="button" aria-label={`${label} plus one`} onClick={() => set(value + 1)}>
        +
      </button>
    </div>
  );
}
