import { parseMultipart } from './multipart-form';

describe(parseMultipart.name, () => {
  const type = 'multipart/form-data; boundary=----abc';
  const body = Buffer.concat([
    Buffer.from('------abc\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\ntoken-1\r\n'),
    Buffer.from('------abc\r\nContent-Disposition: form-data; name="avatar"; filename="me.png"\r\nContent-Type: image/png\r\n\r\n'),
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]),
    Buffer.from('\r\n------abc--\r\n'),
  ]);

  it('reads text fields and file bytes', () => {
    const parts = parseMultipart(body, type)!;
    expect(parts.map((p) => [p.name, p.filename])).toEqual([
      ['_csrf', null],
      ['avatar', 'me.png'],
    ]);
    expect(parts[0].data.toString()).toBe('token-1');
    expect([...parts[1].data]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]);
  });

  it('refuses a body without its boundary, or cut short', () => {
    expect(parseMultipart(body, 'multipart/form-data')).toBeNull();
    expect(parseMultipart(body.subarray(0, 60), type)).toBeNull();
    expect(parseMultipart(Buffer.from('garbage'), type)).toBeNull();
  });
});
