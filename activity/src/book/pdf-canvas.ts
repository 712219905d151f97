import type { PDFPageProxy } from 'pdfjs-dist';

export interface RenderedPage {
  width: number;
  height: number;
  cancel(): void;
  done: Promise<void>;
}

/** Draws a page at `scale` (CSS pixels per page unit) into `canvas`, sharp at `pixelRatio`. */
export function renderPage(page: PDFPageProxy, canvas: HTMLCanvasElement, scale: number, pixelRatio: number): RenderedPage {
  const viewport = page.getViewport({ scale });
  canvas.width = Math.max(1, Math.floor(viewport.width * pixelRatio));
  canvas.height = Math.max(1, Math.floor(viewport.height * pixelRatio));
  canvas.style.width = `${viewport.width}px`;
  canvas.style.height = `${viewport.height}px`;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas');
  const task = page.render({ canvasContext: context, viewport, transform: pixelRatio === 1 ? undefined : [pixelRatio, 0, 0, pixelRatio, 0, 0] });
  return {
    width: viewport.width,
    height: viewport.height,
    cancel: () => task.cancel(),
    done: task.promise.catch((error: Error) => {
      if (error?.name !== 'RenderingCancelledException') throw error;
    }),
  };
}
