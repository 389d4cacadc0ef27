/**
 * A small strict RFC 4180 reader for the tests (no CSV package in node_modules): records end in CRLF,
 * fields holding `"`, `,`, CR or LF are quoted and double their quotes. Fed text in chunks of any size,
 * it hands each complete record to `onRecord`, so a test can read a large file without keeping it.
 */
export class CsvReader {
  private field = "";
  private record: string[] = [];
  private quoted = false;
  private inQuotes = false;
  /** The last character seen was a closing-or-escaped quote inside a quoted field. */
  private quotePending = false;
  private crPending = false;

  constructor(private readonly onRecord: (record: string[]) => void) {}

  feed(text: string): void {
    for (const ch of text) {
      if (this.crPending) {
        if (ch !== "\n") throw new Error("CSV: a CR outside quotes must be followed by LF.");
        this.crPending = false;
        this.endRecord();
        continue;
      }
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (ch === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false; // that quote closed the field; fall through to the unquoted handling
        } else if (ch === '"') {
          this.quotePending = true;
          continue;
        } else {
          this.field += ch;
          continue;
        }
      }
      if (ch === ",") this.endField();
      else if (ch === "\r") this.crPending = true;
      else if (ch === "\n") throw new Error("CSV: bare LF line end (RFC 4180 wants CRLF).");
      else if (ch === '"') {
        if (this.field !== "" || this.quoted) throw new Error("CSV: a quote inside an unquoted field.");
        this.inQuotes = true;
        this.quoted = true;
      } else {
        if (this.quoted) throw new Error("CSV: text after a closing quote.");
        this.field += ch;
      }
    }
  }

  /** Call after the last chunk: the text must end with a complete record. */
  end(): void {
    if (this.inQuotes && !this.quotePending) throw new Error("CSV: unterminated quoted field.");
    if (this.crPending || this.field !== "" || this.record.length > 0 || this.quotePending) {
      throw new Error("CSV: the last record does not end with CRLF.");
    }
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = "";
    this.quoted = false;
    this.inQuotes = false;
  }

  private endRecord(): void {
    this.endField();
    const record = this.record;
    this.record = [];
    this.onRecord(record);
  }
}

/** Every record of a whole CSV text. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  const reader = new CsvReader((r) => records.push(r));
  reader.feed(text);
  reader.end();
  return records;
}
