import { MailTemplates, UnknownMailTemplateError } from './mail-templates';

describe(MailTemplates.name, () => {
  it('renders a registered template by name', () => {
    const sut = new MailTemplates();
    sut.register('hello', (data) => ({ subject: `Hi ${String(data.name)}`, text: 'text', html: '<p>html</p>' }));
    expect(sut.has('hello')).toBe(true);
    expect(sut.render('hello', { name: 'Ada' })).toEqual({ subject: 'Hi Ada', text: 'text', html: '<p>html</p>' });
  });

  it('refuses an unknown template and a second registration of a name', () => {
    const sut = new MailTemplates();
    expect(() => sut.render('nope', {})).toThrow(UnknownMailTemplateError);
    sut.register('hello', () => ({ subject: '', text: '', html: '' }));
    expect(() => sut.register('hello', () => ({ subject: '', text: '', html: '' }))).toThrow(/already registered/);
  });
});
