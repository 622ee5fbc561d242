/** The one source of "now" for domain code; tests substitute a fixed or stepping clock. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
