import type { PdfRecord, PdfStore } from './pdf-store';

/** PDF records kept in this process only: for tests and benchmarks; lost on restart. */
export class MemoryPdfStore implements PdfStore {
  private readonly sessions = new Map<string, PdfRecord[]>();

  async listPdfs(sessionId: string): Promise<PdfRecord[]> {
    return structuredClone(this.sessions.get(sessionId) ?? []);
  }

  async addPdf(sessionId: string, pdf: PdfRecord): Promise<void> {
    const pdfs = this.sessions.get(sessionId) ?? [];
    pdfs.push(structuredClone(pdf));
    this.sessions.set(sessionId, pdfs);
  }
}
