import type { MemoryLayerStore } from './memory-layer-store';
import type { PdfReferences } from '../pdf-bytes';
import type { PdfRecord, PdfStore } from '../pdf-store';
import type { SessionDependent } from '../session-dependent';

/** PDF records kept in this process only: for tests and benchmarks; lost on restart. */
export class MemoryPdfStore implements PdfStore, PdfReferences, SessionDependent {
  readonly name = 'PDF records (memory)';
  private readonly sessions = new Map<string, PdfRecord[]>();

  /** `layers`: where the pages of a removed book go from, and which books' pages it refuses. */
  constructor(private readonly layers: MemoryLayerStore) {}

  async listPdfs(sessionId: string): Promise<PdfRecord[]> {
    return structuredClone(this.sessions.get(sessionId) ?? []);
  }

  async addPdf(sessionId: string, pdf: PdfRecord): Promise<void> {
    const pdfs = this.sessions.get(sessionId) ?? [];
    pdfs.push(structuredClone(pdf));
    this.sessions.set(sessionId, pdfs);
    this.layers.readmitPdf(sessionId, pdf.id);
  }

  async removePdf(sessionId: string, pdfId: string): Promise<void> {
    await this.layers.removePdfPages(sessionId, pdfId);
    const pdfs = this.sessions.get(sessionId) ?? [];
    this.sessions.set(sessionId, pdfs.filter((pdf) => pdf.id !== pdfId));
  }

  isReferenced(sha256: string): boolean {
    return [...this.sessions.values()].some((pdfs) => pdfs.some((pdf) => pdf.sha256 === sha256));
  }

  async removeSessions(sessionIds: readonly string[]): Promise<void> {
    for (const id of sessionIds) this.sessions.delete(id);
  }
}
