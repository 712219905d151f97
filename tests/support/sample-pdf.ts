import { randomBytes } from 'node:crypto';
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';

/**
 * A small gamebook of `pages` pages, each with a dark band and its number: easy to see rendered.
 * `padding` bytes of noise, attached as a file, make it large without making its pages any
 * bigger: a viewer that reads it in ranges never needs them.
 */
export async function samplePdf(pages = 3, padding = 0, title = 'Section'): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.HelveticaBold);
  for (let n = 1; n <= pages; n++) {
    const page = pdf.addPage([400, 560]);
    page.drawRectangle({ x: 0, y: 480, width: 400, height: 80, color: rgb(0.15, 0.1, 0.08) });
    page.drawText(`${title} ${n}`, { x: 40, y: 400, size: 36, font, color: rgb(0.6, 0.15, 0.15) });
    page.drawText('If you carry the lantern, turn to 42.', { x: 40, y: 340, size: 14, font });
  }
  if (padding > 0) await pdf.attach(randomBytes(padding), 'noise.bin', { mimeType: 'application/octet-stream' });
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}
