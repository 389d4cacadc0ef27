/**
 * A local mail catcher for development and tests: an SMTP server that accepts every message
 * (no auth, loopback only) and keeps the last few hundred in memory, plus a small web inbox and
 * a JSON API:
 *   GET  /                    the inbox (newest first)
 *   GET  /messages/:id        one message: headers, the links it contains, text and HTML parts
 *   GET  /api/messages?to=…   JSON list, newest first, optionally only those to one address
 *   DELETE /api/messages      empties the inbox
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface CaughtMessage {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  links: string[];
  receivedAt: string;
}

export interface MailCatcher {
  smtpUrl: string;
  webUrl: string;
  messages(): CaughtMessage[];
  close(): Promise<void>;
}

const MAX_MESSAGES = 500;
const MAX_SIZE = 2 * 1024 * 1024;

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((a) => a.value.map((v) => (v.address ?? "").toLowerCase())).filter(Boolean);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem;color:#111}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}
pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem;border-radius:6px}iframe{width:100%;height:420px;border:1px solid #ddd}</style>
</head><body>${body}</body></html>`;
}

export async function startMailCatcher(
  opts: { smtpPort?: number; httpPort?: number; host?: string } = {},
): Promise<MailCatcher> {
  const host = opts.host ?? "127.0.0.1";
  const inbox: CaughtMessage[] = [];
  let counter = 0;

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    size: MAX_SIZE,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const text = parsed.text ?? "";
          const html = typeof parsed.html === "string" ? parsed.html : null;
          const envelopeTo = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          inbox.unshift({
            id: String(++counter),
            from: addresses(parsed.from)[0] ?? "",
            to: envelopeTo.length > 0 ? envelopeTo : addresses(parsed.to),
            subject: parsed.subject ?? "",
            text,
            html,
            links: [...new Set(text.match(/https?:\/\/[^\s<>"')]+/g) ?? [])],
            receivedAt: new Date().toISOString(),
          });
          inbox.length = Math.min(inbox.length, MAX_MESSAGES);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once("error", reject);
    smtp.listen(opts.smtpPort ?? 0, host, () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const web = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://catcher.local");
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (url.pathname === "/api/messages" && req.method === "GET") {
      const to = url.searchParams.get("to")?.toLowerCase();
      return send(200, "application/json", JSON.stringify(to ? inbox.filter((m) => m.to.includes(to)) : inbox));
    }
    if (url.pathname === "/api/messages" && req.method === "DELETE") {
      inbox.length = 0;
      return send(200, "application/json", "[]");
    }
    const one = /^\/messages\/(\d+)$/.exec(url.pathname);
    if (one) {
      const m = inbox.find((x) => x.id === one[1]);
      if (!m)
        return send(
          404,
          "text/html; charset=utf-8",
          page("Not found", '<p>No such message. <a href="/">Inbox</a></p>'),
        );
      const links = m.links
        .map((l) => `<li><a data-testid="mail-link" href="${escapeHtml(l)}">${escapeHtml(l)}</a></li>`)
        .join("");
      return send(
        200,
        "text/html; charset=utf-8",
        page(
          m.subject,
          `<p><a href="/">← Inbox</a></p><h1 data-testid="mail-subject">${escapeHtml(m.subject)}</h1>
<p>From ${escapeHtml(m.from)} to ${escapeHtml(m.to.join(", "))} · ${escapeHtml(m.receivedAt)}</p>
<h2>Links</h2><ul>${links || "<li>none</li>"}</ul><h2>Text</h2><pre data-testid="mail-text">${escapeHtml(m.text)}</pre>
${m.html ? `<h2>HTML</h2><iframe sandbox="" srcdoc="${escapeHtml(m.html)}" title="HTML part"></iframe>` : ""}`,
        ),
      );
    }
    if (url.pathname === "/") {
      const rows = inbox
        .map(
          (m) =>
            `<tr><td>${escapeHtml(m.to.join(", "))}</td><td><a data-testid="mail-row" href="/messages/${m.id}">${escapeHtml(m.subject)}</a></td><td>${escapeHtml(m.receivedAt)}</td></tr>`,
        )
        .join("");
      return send(
        200,
        "text/html; charset=utf-8",
        page(
          "Tally test inbox",
          `<h1>Tally test inbox</h1><p>Every message the app sends locally lands here; nothing leaves this machine.</p>
<table><thead><tr><th>To</th><th>Subject</th><th>Received</th></tr></thead><tbody>${rows || '<tr><td colspan="3">No mail yet.</td></tr>'}</tbody></table>`,
        ),
      );
    }
    return send(404, "text/plain", "not found");
  });
  await new Promise<void>((resolve, reject) => {
    web.once("error", reject);
    web.listen(opts.httpPort ?? 0, host, () => resolve());
  });
  const httpPort = (web.address() as AddressInfo).port;
  let closed = false;

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    webUrl: `http://${host}:${httpPort}`,
    messages: () => [...inbox],
    close: async () => {
      if (closed) return;
      closed = true;
      web.closeAllConnections();
      await Promise.all([new Promise((r) => web.close(r)), new Promise<void>((r) => smtp.close(() => r()))]);
    },
  };
}
