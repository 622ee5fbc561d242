/** One part of a multipart/form-data body: a text field, or a file's bytes. */
export interface FormPart {
  name: string;
  filename: string | null;
  data: Buffer;
}

/**
 * Reads a multipart/form-data body already held in memory (the one form that uploads a
 * file, the avatar, whose size is bounded before it is read). Null when it is not a
 * well-formed body for `contentType`'s boundary.
 */
export function parseMultipart(body: Buffer, contentType: string | undefined): FormPart[] | null {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker || marker.length > 200) return null;
  const delimiter = Buffer.from(`--${marker}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at !== 0) return null;
  for (;;) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') return parts;
    const next = body.indexOf(delimiter, start);
    if (next < 0) return null;
    // each part: CRLF, headers, CRLF CRLF, data, CRLF before the next delimiter
    const part = body.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) return null;
    const headers = part.subarray(0, split).toString('utf8');
    const disposition = /^content-disposition:\s*form-data;(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) return null;
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? null;
    parts.push({ name, filename, data: part.subarray(split + 4) });
    at = next;
  }
}
