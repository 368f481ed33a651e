// SMTP failures as sentences an owner can act on. Built from nodemailer's error codes
// (https://nodemailer.com/errors/), never from the server's text: a server may echo
// what it was sent, and the password must never reach an attempt's error.
import type { EmailActionConfig } from '../../../../shared/actions';

/** nodemailer's `code` (EAUTH, ECONNECTION, ...) and the socket's (ECONNREFUSED, ...) to a sentence. */
export function describeSmtpError(err: unknown, smtp: EmailActionConfig['smtp']): string {
  const e = err as { code?: string; responseCode?: number; cause?: { code?: string } } | null;
  const code = e?.code;
  const server = `${smtp.host}:${smtp.port}`;
  const socket = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH/.exec(
    `${(err as Error)?.message ?? ''} ${e?.cause?.code ?? ''}`,
  )?.[0];
  switch (code) {
    case 'EAUTH':
      return `The mail server ${server} refused the user name or password: check the SMTP user and password in the automation (an app password may be needed).`;
    case 'ENOAUTH':
      return `The mail server ${server} asks for a sign-in: fill in the SMTP user and password in the automation.`;
    case 'ETLS':
      return `A secure (TLS) connection to ${server} could not be made: check the port and the "secure" setting (465 secure, 587 not).`;
    case 'EENVELOPE':
      return `The mail server ${server} refused the sender or every recipient: check "from" and "to".`;
    case 'EMESSAGE':
      return `The mail server ${server} refused the message${e?.responseCode ? ` (${e.responseCode})` : ''}.`;
    case 'ETIMEDOUT':
      return `The mail server ${server} did not answer in time; it will be tried again.`;
    case 'EDNS':
      return `The mail server's name "${smtp.host}" could not be found: check the SMTP host.`;
    default:
      if (socket === 'ECONNREFUSED') {
        return `Could not connect to the mail server ${server} (connection refused): check the host and port; it will be tried again.`;
      }
      if (socket) return `Could not reach the mail server ${server} (${socket}); it will be tried again.`;
      return `Sending through ${server} failed${code ? ` (${code})` : ''}; check the SMTP settings.`;
  }
}
