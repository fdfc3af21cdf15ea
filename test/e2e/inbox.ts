// The e2e Inbox: two plain-text messages (one with a link and a quote), one with an
// attachment, and a hostile HTML newsletter whose remote image and tracking pixel point at
// the test's counting image server.
import { makeMail } from '../support/mail.js';
import type { ImageServer } from './image-server.js';

const day = (d: number, h = 10) => new Date(Date.UTC(2024, 2, d, h));

export function inbox(images: ImageServer) {
  return [
    makeMail({
      from: 'Alice Example <alice@example.test>',
      subject: 'Quarterly report',
      date: day(1),
      text:
        'Hi Bob,\n\nthe quarterly report is at https://intranet.example.test/q1.\n\n' +
        'On Monday you wrote:\n> Can you send the numbers?\n> Thanks\n',
    }),
    makeMail({
      from: 'Bob Example <bob@example.test>',
      subject: 'Lunch on Friday?',
      date: day(2),
      text: 'Shall we meet at noon?',
    }),
    makeMail({
      from: 'Shop News <news@shop.example.test>',
      subject: 'Weekly newsletter',
      date: day(3),
      text: 'Hello from the newsletter (text version).',
      html:
        '<h1>Hello from the newsletter</h1><p>Our <b>new</b> products.</p>' +
        `<img src="${images.base}/logo.png" width="120" height="40" alt="Shop logo">` +
        `<img src="${images.base}/track/open" width="1" height="1">` +
        '<p><a href="https://real.example.test/offer">https://looks-safe.example.test/</a></p>' +
        "<script>document.title='pwned'</script>" +
        `<img src="x" onerror="document.title='pwned'">` +
        `<form action="${images.base}/steal"><input name="q"><button>Send</button></form>`,
    }),
    makeMail({
      from: 'Alice Example <alice@example.test>',
      subject: 'Report draft attached',
      date: day(4),
      text: 'Here is the draft of the report.',
      attachment: {
        filename: 'draft.pdf',
        contentType: 'application/pdf',
        content: Buffer.from('%PDF-1.4\n'.repeat(300)),
      },
    }),
  ];
}
