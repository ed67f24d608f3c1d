// A WebSocket close reason may hold at most 123 bytes of UTF-8 (RFC 6455 §5.5: a control frame's
// payload is at most 125 bytes, two of them the code), and `ws` throws on a longer one. Reasons
// are built from peer input (an unknown message type is echoed back), so they are cut by bytes,
// on a character boundary, never by characters.

/** The most UTF-8 bytes a close reason may hold. */
export const MAX_CLOSE_REASON_BYTES = 123;

/** Cuts `text` to at most `maxBytes` bytes of UTF-8 without splitting a character (pure). */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const ellipsis = '…';
  const budget = maxBytes - Buffer.byteLength(ellipsis);
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > budget) break;
    bytes += size;
    out += char;
  }
  return budget > 0 ? out + ellipsis : out;
}

/** A close reason that `ws` accepts, however long or exotic the message it summarises. */
export function closeReason(message: string): string {
  return truncateUtf8(message, MAX_CLOSE_REASON_BYTES);
}
