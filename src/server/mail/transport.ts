import nodemailer, { type Transporter } from "nodemailer";

import { env } from "~/env";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends one message; rejects when the server did not accept it. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
}

/** SMTP through nodemailer, with timeouts so a stuck server cannot hold a delivery run for long. */
export function smtpTransport(url: string, from: string = env.MAIL_FROM): MailTransport {
  const transporter: Transporter = nodemailer.createTransport(url, {
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  } as never);
  return {
    async send(mail) {
      await transporter.sendMail({ from, ...mail });
    },
  };
}

const globalForMail = globalThis as unknown as { tallyMailTransport?: MailTransport | null };

/** The app's transport from SMTP_URL, or null when mail is not configured (messages then wait in the outbox). */
export function appMailTransport(): MailTransport | null {
  if (globalForMail.tallyMailTransport === undefined) {
    globalForMail.tallyMailTransport = env.SMTP_URL ? smtpTransport(env.SMTP_URL) : null;
  }
  return globalForMail.tallyMailTransport;
}
