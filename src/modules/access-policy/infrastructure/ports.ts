import { Injectable, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';

/**
 * Finds the provider of a port this module declares and a higher module implements: the
 * higher module registers it under the port's class, and Nest's container (not an import,
 * not forwardRef) hands it over at first use.
 */
@Injectable()
export class Ports {
  private readonly resolved = new Map<Type<unknown>, unknown>();

  constructor(private readonly moduleRef: ModuleRef) {}

  get<T>(port: abstract new (...args: never[]) => T): T {
    let found = this.resolved.get(port as Type<unknown>) as T | undefined;
    if (!found) {
      found = this.moduleRef.get<T>(port, { strict: false });
      this.resolved.set(port as Type<unknown>, found);
    }
    return found;
  }
}
