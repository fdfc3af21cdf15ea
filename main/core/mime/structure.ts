// What the header sync keeps of a message's MIME part tree, from the server's BODYSTRUCTURE
// (sync/envelope.ts makes it): which parts are text and which are attachments, so bodies can
// be fetched part by part later without asking the server again. The store keeps it as JSON
// in this shape, so a released store holds it: change it only with a migration.

export interface StructureAttachment {
  /** The IMAP part number ("2", "1.3"). */
  part: string;
  /** Its Content-Type, lower case. */
  type: string;
  /** Decoded bytes, estimated from the encoded size. */
  size: number;
  filename: string | null;
  contentId: string | null;
  inline: boolean;
}

export interface MessageStructure {
  /** Part numbers of the text/plain and text/html parts that make the message's text. */
  textParts: string[];
  attachments: StructureAttachment[];
}
