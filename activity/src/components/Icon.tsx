/**
 * Line icons drawn inline: they look the same on every device, where emoji depend on the
 * fonts a machine has (and show as empty boxes without them).
 */
const PATHS = {
  book: 'M2 5c3-1 6-1 10 1v14c-4-2-7-2-10-1zM22 5c-3-1-6-1-10 1v14c4-2 7-2 10-1z',
  sheet: 'M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z',
  dice: 'M7 3h10a4 4 0 0 1 4 4v10a4 4 0 0 1-4 4H7a4 4 0 0 1-4-4V7a4 4 0 0 1 4-4zM8 8h.01M16 16h.01M12 12h.01M16 8h.01M8 16h.01',
  notes: 'M6 3h9l5 5v13H6zM15 3v5h5M9 13h8M9 17h6',
  counters: 'M9 4L7 20M17 4l-2 16M4 9h17M3 15h17',
  people: 'M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM3 20c0-3.5 2.7-6 6-6s6 2.5 6 6M17 11a2.5 2.5 0 1 0 0-5M17 14c2.5.3 4 2.3 4 5',
  trash: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13',
  leave: 'M10 4H5v16h5M14 8l4 4-4 4M18 12H9',
  save: 'M12 4v11M7 10l5 5 5-5M5 20h14',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 20 }: { name: IconName; size?: number }) {
  return (
    <svg className="icon-svg" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d={PATHS[name]} />
    </svg>
  );
}
