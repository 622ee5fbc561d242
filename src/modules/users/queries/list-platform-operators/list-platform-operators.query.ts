import { Query } from '@nestjs/cqrs';
import type { Principal } from '../../../../shared/principal';
import type { PlatformOperatorView } from './platform-operator.view';

/** The platform operators of the caller's organization; only an operator may ask. */
export class ListPlatformOperatorsQuery extends Query<PlatformOperatorView[]> {
  constructor(readonly by: Principal) {
    super();
  }
}
