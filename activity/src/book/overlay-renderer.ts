import { getStroke } from 'perfect-freehand';
import type { PageLayers, Stroke, Token } from './layer-items';
import { TOKEN_RADIUS, tokenRadius } from './layer-items';
import { pointerOpacity, type LiveMark } from './live-marks';

/**
 * Draws the overlay above the PDF canvas: finished strokes and tokens, strokes being drawn and
 * others' pointers. Everything is in page units; `scale` and `pixelRatio` map them to pixels, so
 * the PDF canvas under it is never redrawn for a stroke or a pointer.
 */
export interface OverlayScene {
  layers: PageLayers;
  /** This player's stroke in progress. */
  drawing?: Pick<Stroke, 'color' | 'width' | 'points'>;
  marks: LiveMark[];
  now: number;
}

export function drawOverlay(context: CanvasRenderingContext2D, scene: OverlayScene, scale: number, pixelRatio: number): void {
  const { canvas } = context;
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.setTransform(scale * pixelRatio, 0, 0, scale * pixelRatio, 0, 0);
  for (const stroke of scene.layers.strokes) drawStroke(context, stroke);
  for (const mark of scene.marks) if (mark.stroke) drawStroke(context, mark.stroke);
  if (scene.drawing) drawStroke(context, scene.drawing);
  for (const token of scene.layers.tokens) drawToken(context, token);
  for (const mark of scene.marks) drawPointer(context, mark, scene.now, scale);
}

function drawStroke(context: CanvasRenderingContext2D, stroke: Pick<Stroke, 'color' | 'width' | 'points'>): void {
  const outline = getStroke(stroke.points, { size: stroke.width, thinning: 0.5, smoothing: 0.5, streamline: 0.4 });
  if (outline.length < 2) return;
  context.beginPath();
  const [first, ...rest] = outline;
  context.moveTo(first![0]!, first![1]!);
  for (const [x, y] of rest) context.lineTo(x!, y!);
  context.closePath();
  context.fillStyle = stroke.color;
  context.fill();
}

function drawToken(context: CanvasRenderingContext2D, token: Token): void {
  const radius = tokenRadius(token);
  context.beginPath();
  context.arc(token.x, token.y, radius, 0, Math.PI * 2);
  context.fillStyle = token.color;
  context.fill();
  context.lineWidth = 2;
  context.strokeStyle = '#fffaf0';
  context.stroke();
  if (!token.label) return;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.fillStyle = '#fffaf0';
  context.font = `bold ${radius}px system-ui, sans-serif`;
  context.fillText(token.label.slice(0, 2), token.x, token.y + 0.5);
  // a name longer than the initials also shows whole, under the token
  if (token.label.length <= 2) return;
  context.font = `bold ${TOKEN_RADIUS * 0.9}px system-ui, sans-serif`;
  context.lineWidth = 3;
  context.strokeStyle = '#fffaf0';
  context.strokeText(token.label, token.x, token.y + radius + TOKEN_RADIUS * 0.8);
  context.fillStyle = '#2b2118';
  context.fillText(token.label, token.x, token.y + radius + TOKEN_RADIUS * 0.8);
}

function drawPointer(context: CanvasRenderingContext2D, mark: LiveMark, now: number, scale: number): void {
  const pointer = mark.pointer;
  if (!pointer) return;
  const opacity = pointerOpacity(now - pointer.at, pointer.laser);
  if (opacity <= 0) return;
  const unit = 1 / scale; // one CSS pixel in page units: names keep their size at every zoom
  context.globalAlpha = opacity;
  context.beginPath();
  context.arc(pointer.x, pointer.y, (pointer.laser ? 6 : 4) * unit, 0, Math.PI * 2);
  context.fillStyle = pointer.laser ? '#ff2d2d' : '#2b2118';
  context.shadowColor = '#ff2d2d';
  context.shadowBlur = pointer.laser ? 12 : 0;
  context.fill();
  context.shadowBlur = 0;
  context.font = `${12 * unit}px system-ui, sans-serif`;
  context.textAlign = 'left';
  context.textBaseline = 'top';
  context.fillStyle = '#2b2118';
  context.fillText(mark.from.name, pointer.x + 8 * unit, pointer.y + 8 * unit);
  context.globalAlpha = 1;
}
