import { IsString } from 'class-validator';
import { RequestValidationError } from './problem-details.filter';
import { QUICK_CHECK, RequestValidationPipe, requestValidationPipe } from './request-validation';

class NamedRequest {
  @IsString()
  name!: string;
}

class QuickNamedRequest {
  static readonly [QUICK_CHECK] = (value: unknown) =>
    typeof (value as { name?: unknown } | null)?.name === 'string' && Object.keys(value as object).length === 1 ? (value as QuickNamedRequest) : undefined;

  @IsString()
  name!: string;
}

describe(RequestValidationPipe.name, () => {
  const pipe = requestValidationPipe();

  it('passes a custom decorator’s value on as it is, at once (it is the app’s own, not the client’s)', () => {
    const principal = { userId: 'u1', unknownField: true };
    expect(pipe.transform(principal, { type: 'custom', metatype: NamedRequest, data: undefined })).toBe(principal);
  });

  it('answers a value its DTO’s quick check accepts at once, without the walk', () => {
    const body = { name: 'quick' };
    expect(pipe.transform(body, { type: 'body', metatype: QuickNamedRequest, data: undefined })).toBe(body);
  });

  it('hands what the quick check does not accept to the full validation, which names the field', async () => {
    await expect(pipe.transform({ name: 7 }, { type: 'body', metatype: QuickNamedRequest, data: undefined })).rejects.toBeInstanceOf(RequestValidationError);
    await expect(pipe.transform({ name: 'x', extra: 1 }, { type: 'body', metatype: QuickNamedRequest, data: undefined })).rejects.toMatchObject({
      fieldErrors: [expect.objectContaining({ field: 'extra' })],
    });
  });

  it('validates and transforms a body without a quick check through the full walk', async () => {
    const answer = await pipe.transform({ name: 'walked' }, { type: 'body', metatype: NamedRequest, data: undefined });
    expect(answer).toBeInstanceOf(NamedRequest);
    await expect(pipe.transform({}, { type: 'body', metatype: NamedRequest, data: undefined })).rejects.toMatchObject({
      fieldErrors: [expect.objectContaining({ field: 'name' })],
    });
  });
});
