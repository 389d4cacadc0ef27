/**
 * A CSV download read one keyset page at a time, and only when the reader asks for more, so memory
 * stays bounded whatever the table's size: the BOM and the header row first, then one pull → one
 * page. The default high-water mark of one chunk means at most one page is read ahead of the
 * consumer. Cancelling the stream stops the reading.
 */
import { decodeCursor, encodeCursor } from "~/server/pagination/keyset";

const BOM = "\uFEFF";
const CRLF = "\r\n";

interface Keyed {
  createdAt: Date;
  id: string;
}

export function keysetCsvStream<R extends Keyed>(spec: {
  columns: readonly string[];
  pageSize: number;
  /** Rows after `after` (null: from the top), newest first, at most `take`. */
  readPage: (after: Keyed | null, take: number) => Promise<R[]>;
  /** One row's cells, each already written as CSV (textCell/numberCell). */
  cells: (row: R) => string[];
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let done = false;

  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(BOM + spec.columns.join(",") + CRLF));
    },
    async pull(controller) {
      if (done) return;
      const rows = await spec.readPage(cursor ? decodeCursor(cursor, 64) : null, spec.pageSize + 1);
      const page = rows.slice(0, spec.pageSize);
      let text = "";
      for (const row of page) text += spec.cells(row).join(",") + CRLF;
      if (text) controller.enqueue(encoder.encode(text));
      const last = page.at(-1);
      if (rows.length > spec.pageSize && last) {
        cursor = encodeCursor(last);
      } else {
        done = true;
        controller.close();
      }
    },
    cancel() {
      done = true;
    },
  });
}
