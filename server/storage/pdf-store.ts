/** What the server keeps of a PDF added to a session; the bytes live in a PdfBytes store by their SHA-256. */
export interface PdfRecord {
  id: string;
  name: string;
  size: number;
  sha256: string;
  addedBy: string;
  addedAt: number;
}

/** Which PDFs each session has, between restarts. Writes resolve once committed. */
export interface PdfStore {
  /** The session's PDFs in the order they were added; empty for an unknown session. */
  listPdfs(sessionId: string): Promise<PdfRecord[]>;
  addPdf(sessionId: string, pdf: PdfRecord): Promise<void>;
  /**
   * Removes the record of `pdfId` and the layers of its pages, in one commit; the bytes stay until
   * the collector finds no record naming them.
   */
  removePdf(sessionId: string, pdfId: string): Promise<void>;
}
