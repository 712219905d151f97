import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { openBooksEarly } from './book/open-early';
import { useTable } from './store/table-store';
import './styles/base.css';
import './styles/table.css';
import './styles/panels.css';
import './styles/book.css';
import './styles/table-data.css';
import './styles/gm.css';

// Edits wait out a short debounce; a closing or hidden page sends them at once instead.
addEventListener('pagehide', () => useTable.getState().flush());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') useTable.getState().flush();
});

useTable.getState().start();
openBooksEarly();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
