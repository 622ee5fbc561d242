import { deliveryFailureReason, redactedMessage } from './delivery-failure';

describe(deliveryFailureReason.name, () => {
  it('gives the error code and the SMTP reply code, and no address', () => {
    const error = Object.assign(new Error('Message failed: 550 mailbox <ada@example.com> unavailable'), {
      code: 'EMESSAGE',
      responseCode: 550,
    });
    expect(deliveryFailureReason(error)).toBe('EMESSAGE 550');
  });

  it('falls back to the error class when there is no usable code', () => {
    expect(deliveryFailureReason(new TypeError('x'))).toBe('TypeError');
    expect(deliveryFailureReason(Object.assign(new Error('x'), { code: 'not a code: ada@example.com' }))).toBe('Error');
    expect(deliveryFailureReason('a string')).toBe('Error');
  });
});

describe(redactedMessage.name, () => {
  it('replaces every mail address and shortens the message', () => {
    expect(redactedMessage(new Error('550 <ada@example.com>: no such user (bob.x+1@mail.example.org)'))).toBe(
      '550 <<address>>: no such user (<address>)',
    );
    expect(redactedMessage(new Error('x'.repeat(400)), 10)).toHaveLength(10);
  });
});
