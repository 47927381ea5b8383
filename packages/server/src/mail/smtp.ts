import nodemailer from "nodemailer";
import type { ServerConfig } from "../config/config.ts";

export interface OutgoingMail {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
}

export interface MailService {
  readonly limits: { perHour: number; perMonth: number };
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** Mail goes through the one SMTP server the provider of the service configured. */
export function createMailService(config: ServerConfig): MailService | undefined {
  const smtp = config.smtp;
  if (!smtp) return undefined;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? "" } } : {}),
    tls: { rejectUnauthorized: !smtp.allowInvalidCertificate },
    connectionTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    limits: { perHour: config.limits.emailsPerHour, perMonth: config.limits.emailsPerMonth },
    async send(mail) {
      await transport.sendMail({ from: smtp.from, ...mail });
    },
    close: () => transport.close(),
  };
}
