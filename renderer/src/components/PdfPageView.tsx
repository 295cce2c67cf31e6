import { useEffect, useRef, useState } from 'react';
import type { PDFDocumentLoadingTask, PDFDocumentProxy, PDFPageProxy, RenderTask } from 'pdfjs-dist';
import { useT } from '../useT.ts';
import { loadPdfjs, pdfDocumentOptions } from './loadPdfjs.ts';
import type { QuoteHighlight, QuoteMatch } from './pdfQuoteMatch.ts';

export interface PdfPageViewProps {
  /** The PDF file's bytes, base64 (DocumentFile.dataBase64). */
  dataBase64: string;
  /** First and last page of the passage (1-based): the first is shown first, the quote is sought on these. */
  pageStart: number;
  pageEnd: number;
  /** The cited passage as the engine stored it. */
  quote: string;
  /** Kept mounted but not shown (the dialog's text view): the document stays open for switching back. */
  hidden: boolean;
  /** pdf.js could not open or draw the document; `reason` is its message. */
  onError(reason: string): void;
}

// A canvas above ~16 megapixels fails or is very slow in Chromium; a very tall page at 2× would pass that.
const MAX_CANVAS_PIXELS = 16_000_000;
// A passage is a few chunks of ~512 tokens: more pages than this are not searched for its quote.
const MAX_PASSAGE_PAGES = 10;

/** The page's text runs as the text layer lists them (items with a `str`; marked-content markers have none). */
async function pageTextRuns(page: PDFPageProxy): Promise<string[]> {
  const content = await page.getTextContent({ includeMarkedContent: true, disableNormalization: true });
  return content.items.flatMap((item) => ('str' in item ? [item.str] : []));
}

/** Where the quote is on each page of the passage, first page first: one search over all of them (it may run on). */
async function findQuote(
  pdf: PDFDocumentProxy,
  pageStart: number,
  pageEnd: number,
  quote: string,
): Promise<QuoteMatch[]> {
  const last = Math.min(pageEnd, pdf.numPages, pageStart + MAX_PASSAGE_PAGES - 1);
  const pages = await Promise.all(
    Array.from({ length: Math.max(0, last - pageStart + 1) }, (_, k) => pdf.getPage(pageStart + k).then(pageTextRuns)),
  );
  // Loaded with pdf.js, on first use: not in the bundle of users who never open a PDF passage.
  const { matchQuoteOnPages } = await import('./pdfQuoteMatch.ts');
  return matchQuoteOnPages(quote, pages);
}

/** A cancelled render or text layer (page turned, dialog closed) is not a failure. */
function isCancellation(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'RenderingCancelledException' || name === 'AbortException';
}

function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Replaces a text-layer span's text by the same text with the highlighted runs wrapped in spans. */
function markRuns(div: HTMLElement, text: string, runs: readonly QuoteHighlight[]): void {
  const nodes: Node[] = [];
  let at = 0;
  for (const run of runs) {
    if (run.start > at) nodes.push(document.createTextNode(text.slice(at, run.start)));
    const mark = document.createElement('span');
    mark.className = 'pdf-highlight';
    mark.dataset.testid = 'pdf-highlight';
    mark.textContent = text.slice(run.start, run.end);
    nodes.push(mark);
    at = run.end;
  }
  if (at < text.length) nodes.push(document.createTextNode(text.slice(at)));
  div.replaceChildren(...nodes);
}

/**
 * One page of a PDF drawn by pdf.js on a canvas, with its text layer (selectable text) on top and the quote's text
 * highlighted; previous / next page within the document. Opens the document once and destroys it when unmounted.
 */
export function PdfPageView({ dataBase64, pageStart, pageEnd, quote, hidden, onError }: PdfPageViewProps) {
  const t = useT();
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [pageNumber, setPageNumber] = useState(pageStart);
  const [width, setWidth] = useState(0);
  const [located, setLocated] = useState<boolean | null>(null);
  const scrollerRef = useRef<HTMLDivElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const textLayerRef = useRef<HTMLDivElement>(null);
  // The quote's place on the passage's pages, found once per document.
  const quoteMatchesRef = useRef<{ pdf: PDFDocumentProxy; matches: Promise<QuoteMatch[]> } | null>(null);
  // Text extraction in flight: the document is destroyed only once it settles, or pdf.js logs every task that the
  // ended worker cut short (closing the dialog while the quote is still being located).
  const inflightRef = useRef(new Set<Promise<unknown>>());
  const track = <T,>(promise: Promise<T>): Promise<T> => {
    inflightRef.current.add(promise);
    void promise.catch(() => undefined).finally(() => inflightRef.current.delete(promise));
    return promise;
  };
  // The latest callback without re-running the effects that use it.
  const onErrorRef = useRef(onError);
  useEffect(() => {
    onErrorRef.current = onError;
  }, [onError]);

  // Open the document (pdf.js itself is loaded on first use).
  useEffect(() => {
    let task: PDFDocumentLoadingTask | null = null;
    let closed = false;
    loadPdfjs()
      .then((pdfjs) => {
        if (closed) return null;
        task = pdfjs.getDocument(pdfDocumentOptions(base64ToBytes(dataBase64)));
        return task.promise;
      })
      .then((opened) => {
        if (opened && !closed) setPdf(opened);
      })
      .catch((error: unknown) => {
        if (!closed && !isCancellation(error))
          onErrorRef.current(error instanceof Error ? error.message : String(error));
      });
    const inflight = inflightRef.current;
    return () => {
      closed = true;
      setPdf(null);
      // Ends the worker and frees the document's memory, once the text it is extracting has arrived.
      void Promise.allSettled([...inflight]).then(() => task?.destroy());
    };
  }, [dataBase64]);

  // The page is drawn to the scroller's width; redrawn when that changes (not while hidden: it is 0 then).
  useEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const measure = () => {
      const available = Math.floor(scroller.clientWidth);
      if (available > 0) setWidth(available);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(scroller);
    return () => observer.disconnect();
  }, []);

  // Draw the page, lay its text over it, highlight the quote.
  useEffect(() => {
    const frame = frameRef.current;
    const canvas = canvasRef.current;
    const textLayerDiv = textLayerRef.current;
    if (!pdf || width === 0 || !frame || !canvas || !textLayerDiv) return;
    let renderTask: RenderTask | null = null;
    let textLayer: { cancel(): void } | null = null;
    let cancelled = false;
    const draw = async () => {
      const [pdfjs, page] = await Promise.all([loadPdfjs(), pdf.getPage(pageNumber)]);
      if (cancelled) return;
      const unscaled = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: width / unscaled.width });
      const pixelRatio = Math.min(
        window.devicePixelRatio || 1,
        Math.sqrt(MAX_CANVAS_PIXELS / (viewport.width * viewport.height)),
      );
      canvas.width = Math.floor(viewport.width * pixelRatio);
      canvas.height = Math.floor(viewport.height * pixelRatio);
      // CSSOM, not a style attribute: allowed by the CSP's style-src 'self'.
      canvas.style.width = `${Math.floor(viewport.width)}px`;
      canvas.style.height = `${Math.floor(viewport.height)}px`;
      frame.style.setProperty('--total-scale-factor', String(viewport.scale));
      frame.style.setProperty('--scale-round-x', '1px');
      frame.style.setProperty('--scale-round-y', '1px');
      renderTask = page.render({
        canvas,
        viewport,
        transform: pixelRatio === 1 ? undefined : [pixelRatio, 0, 0, pixelRatio, 0, 0],
      });
      const textContent = await track(page.getTextContent({ includeMarkedContent: true, disableNormalization: true }));
      if (cancelled) return;
      textLayerDiv.replaceChildren();
      const layer = new pdfjs.TextLayer({ textContentSource: textContent, container: textLayerDiv, viewport });
      textLayer = layer;
      await Promise.all([renderTask.promise, layer.render()]);
      if (cancelled) return;
      // Which page the canvas shows once drawn, text layer and highlights included (tests wait for it).
      const drawn = (highlight: Element | null) => {
        canvas.dataset.page = String(pageNumber);
        if (highlight) highlight.scrollIntoView({ block: 'center' });
        else if (scrollerRef.current) scrollerRef.current.scrollTop = 0;
      };
      if (pageNumber < pageStart || pageNumber > pageEnd) {
        setLocated(null);
        drawn(null);
        return;
      }
      if (quoteMatchesRef.current?.pdf !== pdf)
        quoteMatchesRef.current = { pdf, matches: track(findQuote(pdf, pageStart, pageEnd, quote)) };
      const matches = await quoteMatchesRef.current.matches;
      if (cancelled) return;
      const match = matches[pageNumber - pageStart] ?? { highlights: [], method: 'none' };
      const byItem = new Map<number, QuoteHighlight[]>();
      for (const run of match.highlights) byItem.set(run.item, [...(byItem.get(run.item) ?? []), run]);
      for (const [item, runs] of byItem) {
        const div = layer.textDivs[item];
        const text = layer.textContentItemsStr[item];
        if (div && text !== undefined) markRuns(div, text, runs);
      }
      setLocated(match.highlights.length > 0);
      drawn(textLayerDiv.querySelector('.pdf-highlight'));
    };
    // The previous page's text and highlights go at once, not when the new page's text has arrived.
    textLayerDiv.replaceChildren();
    delete canvas.dataset.page;
    setLocated(null);
    draw().catch((error: unknown) => {
      if (!cancelled && !isCancellation(error))
        onErrorRef.current(error instanceof Error ? error.message : String(error));
    });
    return () => {
      cancelled = true;
      renderTask?.cancel();
      textLayer?.cancel();
    };
  }, [pdf, pageNumber, width, quote, pageStart, pageEnd]);

  const pageCount = pdf?.numPages ?? null;
  const turn = (to: number) => {
    if (pageCount !== null && to >= 1 && to <= pageCount) setPageNumber(to);
  };
  return (
    <div className="pdf-page" data-testid="pdf-page" hidden={hidden}>
      <div className="pdf-page-nav">
        <button
          type="button"
          data-testid="pdf-prev-page"
          disabled={pageCount === null || pageNumber <= 1}
          onClick={() => turn(pageNumber - 1)}
        >
          {t('pdfPrevPage')}
        </button>
        <span data-testid="pdf-page-label">
          {pageCount === null ? t('pdfLoading') : t('pdfPageOf', { page: pageNumber, total: pageCount })}
        </span>
        <button
          type="button"
          data-testid="pdf-next-page"
          disabled={pageCount === null || pageNumber >= pageCount}
          onClick={() => turn(pageNumber + 1)}
        >
          {t('pdfNextPage')}
        </button>
        {pageNumber < pageStart || pageNumber > pageEnd ? (
          <button type="button" data-testid="pdf-back-to-quote" onClick={() => turn(pageStart)}>
            {t('pdfBackToQuote')}
          </button>
        ) : null}
        {located === false ? <span className="warning">{t('pdfQuoteNotLocated')}</span> : null}
      </div>
      <div className="pdf-page-scroll" ref={scrollerRef}>
        <div className="pdf-page-frame" ref={frameRef}>
          <canvas ref={canvasRef} data-testid="pdf-page-canvas" />
          <div className="pdf-text-layer" ref={textLayerRef} />
        </div>
      </div>
    </div>
  );
}
