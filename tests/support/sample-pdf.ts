import { randomBytes } from 'node:crypto';
import { PDFDocument, PDFHexString, PDFName, PDFRef, rgb, StandardFonts } from 'pdf-lib';

export interface GamebookShape {
  /** Pages of front matter before section 1, labelled i, ii, iii… in the PDF's page labels (none: no labels). */
  front?: number;
  /** The PDF's outline: titles and the pages (1-based, in the file) they lead to. */
  outline?: Array<{ title: string; page: number }>;
  /**
   * Pages per node of the page tree, as typesetters write it (pdfTeX, Acrobat); none: one flat
   * node of all pages, as pdf-lib writes it. A viewer reading a page of a flat tree of 4,000 reads
   * the entries of all pages before it.
   */
  pagesPerNode?: number;
}

/**
 * A small gamebook of `pages` pages, each with a dark band and its number: easy to see rendered.
 * `padding` bytes of noise, attached as a file, make it large without making its pages any
 * bigger: a viewer that reads it in ranges never needs them. With `front`, the first pages are a
 * foreword and the sections count from the page after it, as the page labels say.
 */
export async function samplePdf(pages = 3, padding = 0, title = 'Section', shape: GamebookShape = {}): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.HelveticaBold);
  const front = shape.front ?? 0;
  for (let n = 1; n <= pages; n++) {
    const page = pdf.addPage([400, 560]);
    page.drawRectangle({ x: 0, y: 480, width: 400, height: 80, color: rgb(0.15, 0.1, 0.08) });
    page.drawText(n > front ? `${title} ${n - front}` : 'Foreword', { x: 40, y: 400, size: 36, font, color: rgb(0.6, 0.15, 0.15) });
    page.drawText('If you carry the lantern, turn to 42.', { x: 40, y: 340, size: 14, font });
  }
  if (front > 0) labelPages(pdf, front);
  if (shape.pagesPerNode) balancePageTree(pdf, shape.pagesPerNode);
  if (shape.outline?.length) addOutline(pdf, shape.outline);
  if (padding > 0) await pdf.attach(randomBytes(padding), 'noise.bin', { mimeType: 'application/octet-stream' });
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}

/** The root's kids grouped under nodes of `perNode` pages each (two levels are plenty for a test book). */
function balancePageTree(pdf: PDFDocument, perNode: number): void {
  const { context } = pdf;
  const rootRef = pdf.catalog.get(PDFName.of('Pages')) as PDFRef;
  const root = pdf.catalog.Pages();
  const pages = pdf.getPages();
  const nodes: PDFRef[] = [];
  for (let first = 0; first < pages.length; first += perNode) {
    const group = pages.slice(first, first + perNode);
    const node = context.register(context.obj({ Type: 'Pages', Parent: rootRef, Kids: group.map((page) => page.ref), Count: group.length }));
    for (const page of group) page.node.set(PDFName.of('Parent'), node);
    nodes.push(node);
  }
  root.set(PDFName.of('Kids'), context.obj(nodes));
}

/** Page labels: i, ii… for the front matter, then 1, 2… */
function labelPages(pdf: PDFDocument, front: number): void {
  pdf.catalog.set(PDFName.of('PageLabels'), pdf.context.obj({ Nums: [0, { S: 'r' }, front, { S: 'D', St: 1 }] }));
}

/** A flat outline whose entries go to their pages. */
function addOutline(pdf: PDFDocument, entries: Array<{ title: string; page: number }>): void {
  const { context } = pdf;
  const pages = pdf.getPages();
  const root = context.nextRef();
  const refs: PDFRef[] = entries.map(() => context.nextRef());
  entries.forEach((entry, index) => {
    const item = context.obj({ Parent: root, Dest: [pages[entry.page - 1]!.ref, 'Fit'] });
    item.set(PDFName.of('Title'), PDFHexString.fromText(entry.title));
    if (index > 0) item.set(PDFName.of('Prev'), refs[index - 1]!);
    if (index < refs.length - 1) item.set(PDFName.of('Next'), refs[index + 1]!);
    context.assign(refs[index]!, item);
  });
  context.assign(root, context.obj({ Type: 'Outlines', First: refs[0]!, Last: refs[refs.length - 1]!, Count: refs.length }));
  pdf.catalog.set(PDFName.of('Outlines'), root);
}
