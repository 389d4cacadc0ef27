/**
 * The document behind `invoice.invoice_pdf`: a small, valid PDF 1.4 written by hand (one page, Helvetica, text
 * objects only) with the invoice's number, dates, lines and total. No dependency: five objects, a cross-reference
 * table with exact byte offsets and a trailer, which every PDF reader (and `pdf.js` in Chromium) opens.
 */
import { formatAmount } from "./hosted-page-html";
import type { Invoice } from "./objects";

/** PDF strings are Latin-1 here (the standard Helvetica's WinAnsi set); anything else becomes "?". */
function pdfText(value: string): string {
  const printable = value.replace(/[^\x20-\x7e\xa0-\xff]/g, "?");
  return printable.replace(/[\\()]/g, (c) => `\\${c}`);
}

/** Amounts as "USD 15.00": the currency symbol of some currencies (€, ¥ for JPY is fine, ₩ is not) is outside Latin-1. */
function amountText(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  const formatted = formatAmount(amount, currency).replace(/[^\d.,-]/g, "");
  return `${code} ${formatted}`;
}

function isoDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}

interface TextLine {
  text: string;
  size: number;
  x: number;
  y: number;
}

function pageContent(invoice: Invoice, businessName: string): string {
  const lines: TextLine[] = [];
  let y = 740;
  const add = (text: string, size = 11, x = 56, gap = 18) => {
    lines.push({ text, size, x, y });
    y -= gap;
  };
  add(`Invoice ${invoice.number}`, 20, 56, 30);
  add(businessName, 12);
  add(`Invoice number: ${invoice.number}`);
  add(`Date of issue: ${isoDate(invoice.created)}`);
  add(`Date paid: ${isoDate(invoice.created)}`);
  if (invoice.customer_name) add(`Bill to: ${invoice.customer_name}`);
  if (invoice.customer_email) add(invoice.customer_email);
  y -= 12;
  add("Description                                   Qty        Amount", 11, 56, 20);
  for (const line of invoice.lines) {
    lines.push({ text: line.description, size: 11, x: 56, y });
    lines.push({ text: String(line.quantity), size: 11, x: 340, y });
    lines.push({ text: amountText(line.amount, line.currency), size: 11, x: 420, y });
    y -= 18;
  }
  y -= 8;
  lines.push({ text: "Total", size: 12, x: 56, y });
  lines.push({ text: amountText(invoice.total, invoice.currency), size: 12, x: 420, y });
  y -= 18;
  lines.push({ text: "Amount paid", size: 12, x: 56, y });
  lines.push({ text: amountText(invoice.total, invoice.currency), size: 12, x: 420, y });
  y -= 30;
  lines.push({ text: "Test mode: issued by the local Stripe emulator. No money moved.", size: 9, x: 56, y });
  return lines.map((l) => `BT /F1 ${l.size} Tf ${l.x} ${l.y} Td (${pdfText(l.text)}) Tj ET`).join("\n");
}

/** The invoice as a PDF 1.4 file (bytes are Latin-1 throughout, so offsets are character offsets). */
export function invoicePdf(invoice: Invoice, businessName: string): Buffer {
  const content = pageContent(invoice, businessName);
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    `<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`,
  ];
  let body = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, "latin1"));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(body, "latin1");
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info << /Title (${pdfText(`Invoice ${invoice.number}`)}) /Producer (Tally Stripe emulator) >> >>\n`;
  body += `startxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}
