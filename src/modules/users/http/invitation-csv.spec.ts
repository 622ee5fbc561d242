import { DomainError } from '../../../shared/domain-error';
import { invitationRowsFromCsv, parseCsv } from './invitation-csv';

describe(parseCsv.name, () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('a,"b, c","say ""hi""","two\nlines"\n').map((r) => r.fields)).toEqual([['a', 'b, c', 'say "hi"', 'two\nlines']]);
  });

  it('accepts CRLF and LF, drops a BOM and skips blank lines', () => {
    expect(parseCsv('\uFEFFemail,role\r\n\r\nx@y.example,Viewer\n\nz@y.example,Developer\r\n')).toEqual([
      { line: 1, fields: ['email', 'role'] },
      { line: 3, fields: ['x@y.example', 'Viewer'] },
      { line: 5, fields: ['z@y.example', 'Developer'] },
    ]);
  });

  it('keeps empty fields, quoted or not', () => {
    expect(parseCsv('a,,""\n,\n').map((r) => r.fields)).toEqual([['a', '', ''], ['', '']]);
  });

  it('refuses an unclosed quote, text after a closing quote and a stray quote', () => {
    for (const bad of ['a,"b\n', 'a,"b"c\n', 'a,b"c\n']) {
      expect(() => parseCsv(bad)).toThrow(DomainError);
    }
  });
});

describe(invitationRowsFromCsv.name, () => {
  it('keys rows by the header, in either order and any case', () => {
    expect(invitationRowsFromCsv('Role,EMAIL\nViewer, a@b.example \n')).toEqual([{ role: 'Viewer', email: 'a@b.example' }]);
  });

  it('names fields beyond the header so the row can be refused on its own', () => {
    expect(invitationRowsFromCsv('email,role\na@b.example,Viewer,extra\n')).toEqual([{ email: 'a@b.example', role: 'Viewer', column3: 'extra' }]);
  });

  it('refuses a missing or wrong header naming the body', () => {
    for (const bad of ['', 'mail,role\nx,y', 'email,role,team\n']) {
      try {
        invitationRowsFromCsv(bad);
        throw new Error('not refused');
      } catch (error) {
        expect((error as DomainError).fieldErrors).toEqual([{ field: 'body', message: expect.any(String) }]);
      }
    }
  });
});
