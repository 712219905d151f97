import type { PdfData } from '../../../shared/layers-protocol';
import { TableError, tableErrorFrom } from '../sync/table-error';

/**
 * Uploads a PDF to the session (host only), reporting progress from 0 to 1. XHR rather than
 * fetch: only XHR reports the progress of an upload.
 */
export function uploadPdf(sessionId: string, token: string, file: File, onProgress: (fraction: number) => void): Promise<PdfData> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/sessions/${encodeURIComponent(sessionId)}/pdfs`);
    request.setRequestHeader('Authorization', `Bearer ${token}`);
    request.responseType = 'json';
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status === 200 || request.status === 201) {
        onProgress(1);
        resolve(request.response as PdfData);
      } else {
        reject(tableErrorFrom(request.response, `the upload failed (${request.status})`));
      }
    };
    request.onerror = () => reject(new TableError('network', 'the upload did not reach the server'));
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}
