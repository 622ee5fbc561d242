import { InvalidInputError } from '../../../shared/domain-error';

function badCsv(message: string): InvalidInputError {
  return new InvalidInputError('INVITATIONS.BAD_CSV', 'body', message);
}

/**
 * RFC 4180 records: comma-separated fields; a double-quoted field may hold commas, line
 * breaks and doubled quotes; CRLF or LF line ends; a leading BOM is dropped; blank lines
 * are skipped. Each record comes with the line it starts on.
 */
export function parseCsv(input: string): { line: number; fields: string[] }[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let state: 'start' | 'plain' | 'quoted' | 'closed' = 'start';
  let line = 1;
  let recordLine = 1;
  const endField = () => {
    fields.push(field);
    field = '';
    state = 'start';
  };
  const endRecord = () => {
    const blank = fields.length === 0 && field === '' && state === 'start';
    endField();
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (state === 'quoted') {
      if (char !== '"') {
        if (char === '\n') line++;
        field += char;
      } else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else {
        state = 'closed';
      }
    } else if (char === ',') {
      endField();
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (state === 'closed') {
      throw badCsv(`CSV line ${line}: only a comma or a line end may follow a closing quote`);
    } else if (char === '"') {
      if (state === 'plain') throw badCsv(`CSV line ${line}: a quote inside an unquoted field (quote the whole field and double the quote)`);
      state = 'quoted';
    } else {
      state = 'plain';
      field += char;
    }
  }
  if (state === 'quoted') throw badCsv(`CSV line ${recordLine}: a quoted field is not closed`);
  endRecord();
  return records;
}

/**
 * Invitation rows from CSV with the header `email,role` (either order, any case). Each row
 * becomes an object keyed by the header; a field beyond the header is keyed `columnN`, so
 * the row is refused on its own naming it.
 */
export function invitationRowsFromCsv(input: string): Record<string, string>[] {
  const [header, ...records] = parseCsv(input);
  if (!header) throw badCsv('the CSV is empty: it needs the header email,role and a row per invitation');
  const columns = header.fields.map((name) => name.trim().toLowerCase());
  if (columns.length !== 2 || !columns.includes('email') || !columns.includes('role')) {
    throw badCsv('the CSV header must be email,role');
  }
  return records.map(({ fields }) =>
    Object.fromEntries(fields.map((value, index) => [columns[index] ?? `column${index + 1}`, value.trim()])),
  );
}
