// Small, readable test messages: what a test needs to say about a message, nothing more.
export interface TestMail {
  subject?: string;
  from?: string;
  to?: string;
  cc?: string;
  date?: Date;
  text?: string;
  html?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  attachment?: { filename: string; contentType: string; content: Buffer };
}

let counter = 0;

export function makeMail(m: TestMail = {}): Buffer {
  const id = m.messageId ?? `<test-${++counter}-${Date.now()}@maildock.test>`;
  const headers = [
    `From: ${m.from ?? 'Alice Example <alice@example.test>'}`,
    `To: ${m.to ?? 'Bob Example <bob@example.test>'}`,
    ...(m.cc ? [`Cc: ${m.cc}`] : []),
    `Subject: ${m.subject ?? 'Hello'}`,
    `Date: ${(m.date ?? new Date()).toUTCString()}`,
    `Message-ID: ${id}`,
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`] : []),
    ...(m.references?.length ? [`References: ${m.references.join(' ')}`] : []),
    'MIME-Version: 1.0',
  ];
  const text = m.text ?? 'Hello there.';
  let body: string;
  if (!m.html && !m.attachment) {
    headers.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit');
    body = text;
  } else {
    const b = `b-${counter}-${Math.random().toString(36).slice(2)}`;
    headers.push(
      `Content-Type: multipart/${m.attachment ? 'mixed' : 'alternative'}; boundary="${b}"`,
    );
    const parts = [`Content-Type: text/plain; charset=utf-8\r\n\r\n${text}`];
    if (m.html) parts.push(`Content-Type: text/html; charset=utf-8\r\n\r\n${m.html}`);
    if (m.attachment) {
      parts.push(
        `Content-Type: ${m.attachment.contentType}; name="${m.attachment.filename}"\r\n` +
          `Content-Disposition: attachment; filename="${m.attachment.filename}"\r\n` +
          `Content-Transfer-Encoding: base64\r\n\r\n${m.attachment.content.toString('base64').replace(/.{76}/g, '$&\r\n')}`,
      );
    }
    body = parts.map((p) => `--${b}\r\n${p}\r\n`).join('') + `--${b}--`;
  }
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`);
}

export function dayAt(n: number): Date {
  return new Date(Date.UTC(2024, 0, 1) + n * 3600_000);
}
