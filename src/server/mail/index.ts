export { deliverDue, enqueueMail, MAX_ATTEMPTS, retryDelayMs, type NewMail } from "./outbox";
export { renderMail, MAIL_TEMPLATES, type MailParams, type MailTemplate, type RenderedMail } from "./templates";
export { appMailTransport, smtpTransport, type MailTransport, type OutgoingMail } from "./transport";
