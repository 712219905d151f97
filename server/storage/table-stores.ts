import type { LayerStore } from './layer-store';
import { MemoryLayerStore } from './memory/memory-layer-store';
import { MemoryPdfStore } from './memory/memory-pdf-store';
import { MemoryRoleStore } from './memory/memory-role-store';
import { MemoryViewStore } from './memory/memory-view-store';
import type { PdfStore } from './pdf-store';
import type { RoleStore } from './role-store';
import type { SessionDependent } from './session-dependent';
import type { ViewStore } from './view-store';

/** Where a session's table lives besides its game state: page layers, PDF records, last view, roles. */
export interface TableStores {
  layers: LayerStore;
  pdfs: PdfStore;
  views: ViewStore;
  roles: RoleStore;
}

/**
 * Table stores kept in this process only, with the dependents that forget an expired session's
 * data in them (SQLite drops it with the session row instead).
 */
export function memoryTableStores(): { tableStores: TableStores & { pdfs: MemoryPdfStore }; dependents: SessionDependent[] } {
  const layers = new MemoryLayerStore();
  const stores = { layers, pdfs: new MemoryPdfStore(layers), views: new MemoryViewStore(), roles: new MemoryRoleStore() };
  return { tableStores: stores, dependents: [stores.layers, stores.pdfs, stores.views, stores.roles] };
}
