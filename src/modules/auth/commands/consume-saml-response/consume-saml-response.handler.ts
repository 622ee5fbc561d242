import { Logger } from '@nestjs/common';
import type { Knex } from '@mikro-orm/postgresql';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../infrastructure/config/app-config';
import { CommandContext, UnitOfWork } from '../../../../infrastructure/event-store/unit-of-work';
import { Revocations } from '../../../../infrastructure/security/revocations';
import type { Actor } from '../../../../shared/actor';
import { Clock } from '../../../../shared/clock';
import { IdGenerator } from '../../../../shared/ids';
import { AuthzVersions } from '../../../access-policy';
import { SsoTeamMemberships } from '../../../teams';
import { SsoAccounts, type SsoAccount } from '../../../users';
import { mapAssertion, type MappedAssertion } from '../../domain/sso/assertion-mapping';
import { safeRelayPath } from '../../domain/sso/relay-path';
import type { SamlConnection } from '../../domain/sso/saml-connection.entity';
import { SamlIdentity } from '../../domain/sso/saml-identity.entity';
import { SsoLoginFailedError } from '../../domain/sso/sso-login-failed.error';
import { SamlConnections, type LoadedConnection } from '../../infrastructure/sso/saml-connections';
import { SamlResponseValidator } from '../../infrastructure/sso/saml-response-validator';
import { SsoState } from '../../infrastructure/sso/sso-state';
import { ConsumeSamlResponseCommand, type SamlResponseOutcome, type SsoTestResult } from './consume-saml-response.command';

type AccountPlan =
  | { kind: 'known'; identity: SamlIdentity; account: SsoAccount }
  | { kind: 'link'; account: SsoAccount }
  | { kind: 'provision' };

/**
 * The ACS. The response is validated (SamlResponseValidator), then tied to a request we
 * sent (the id is spent in Redis, so any instance can finish a login any instance started)
 * or accepted as IdP-initiated only where the connection allows it, and its assertion id is
 * spent too. A dry run stops there and reports. A login finds the account by (connection,
 * NameID); failing that it links an account of this organization with the same email only
 * when the email's domain is one the admin verified, or provisions one; the admin's mapping
 * sets role and teams on every login. Success is a one-time code; every refusal is one
 * generic answer outside and an auth.login_failed event with the reason inside.
 */
@CommandHandler(ConsumeSamlResponseCommand)
export class ConsumeSamlResponseHandler implements ICommandHandler<ConsumeSamlResponseCommand, SamlResponseOutcome> {
  private readonly logger = new Logger(ConsumeSamlResponseHandler.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly connections: SamlConnections,
    private readonly validator: SamlResponseValidator,
    private readonly state: SsoState,
    private readonly accounts: SsoAccounts,
    private readonly teams: SsoTeamMemberships,
    private readonly revocations: Revocations,
    private readonly versions: AuthzVersions,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly config: AppConfig,
  ) {}

  async execute(command: ConsumeSamlResponseCommand): Promise<SamlResponseOutcome> {
    const loaded = await this.connections.forSlug(command.organizationSlug);
    if (!loaded) throw new SsoLoginFailedError('unknown_connection');
    try {
      return await this.consume(loaded, command);
    } catch (error) {
      if (!(error instanceof SsoLoginFailedError)) throw error;
      await this.recordFailure(loaded, command.actor, error);
      throw error;
    }
  }

  private async consume(loaded: LoadedConnection, command: ConsumeSamlResponseCommand): Promise<SamlResponseOutcome> {
    const { connection, sp } = loaded;
    const settings = connection.settings;
    const assertion = await this.validator.validate(sp, settings, command.samlResponse);

    const pending = assertion.inResponseTo ? await this.state.takeRequest(assertion.inResponseTo) : null;
    if (assertion.inResponseTo && pending?.connectionId !== connection.id) throw new SsoLoginFailedError('unknown_in_response_to');
    if (!assertion.inResponseTo && !settings.allowIdpInitiated) throw new SsoLoginFailedError('unsolicited_response');
    const now = this.clock.now();
    if (!(await this.state.firstUseOfAssertion(connection.id, assertion.assertionId, assertion.notOnOrAfter.getTime(), now.getTime()))) {
      throw new SsoLoginFailedError('assertion_replayed');
    }
    const mapped = mapAssertion(settings, assertion);

    if (pending?.mode === 'test') {
      const result = await this.dryRun(loaded, assertion, mapped, command.actor);
      const testId = this.ids.uuid();
      await this.state.saveTestResult(loaded.organization.id, testId, result);
      await this.uow.run({ actor: command.actor, organizationId: loaded.organization.id }, async (context) => {
        context.record({
          type: 'sso.connection_tested',
          organizationId: loaded.organization.id,
          subject: { type: 'saml_connection', id: connection.id },
          payload: { testId, refusal: result.account.refusal, wouldProvision: result.account.wouldProvision },
        });
      });
      return { kind: 'test', testId, result };
    }
    if (!connection.enabled) throw new SsoLoginFailedError('connection_disabled');

    const actor: Actor = { ...command.actor, organizationId: loaded.organization.id };
    const { result: signedIn } = await this.uow.run({ actor, organizationId: loaded.organization.id }, (context) => this.signIn(context, connection, mapped));
    if (signedIn.roleChanged) {
      // tokens carry the role: older ones stop now; the session this login opens starts after
      await this.revocations
        .revokeUserTokens(signedIn.userId, now.getTime())
        .catch((error: Error) => this.logger.error(`revocation mark not written: ${error.message}`));
    }
    // cached abilities rebuild with the new role and teams on their very next check
    if (signedIn.roleChanged || signedIn.teamsChanged) await this.versions.bumpUsers([signedIn.userId]);
    const code = await this.state.issueCode({ organizationId: loaded.organization.id, userId: signedIn.userId, connectionId: connection.id, mfaByIdp: mapped.mfaByIdp });
    const relay = (pending ? pending.relayPath : safeRelayPath(command.relayState)) ?? '/';
    const url = new URL(relay, `${this.config.values.publicUrl}/`);
    url.searchParams.set('code', code);
    return { kind: 'login', redirectUrl: url.toString() };
  }

  private async plan(context: CommandContext, connection: SamlConnection, mapped: MappedAssertion): Promise<AccountPlan> {
    const identity = await context.em.findOne(SamlIdentity, { connectionId: connection.id, nameId: mapped.nameId });
    if (identity) {
      const account = await this.accounts.findById(context, identity.userId);
      // deactivated or removed in Gatehouse ends SSO access as it ends every other
      if (!account || account.status !== 'active') throw new SsoLoginFailedError(`account_${account?.status ?? 'missing'}`);
      return { kind: 'known', identity, account };
    }
    if (!mapped.email) throw new SsoLoginFailedError('no_email_attribute');
    const domain = mapped.email.split('@')[1];
    // an email is linked or provisioned only under a domain the admin verified for this connection
    if (!connection.settings.domains.includes(domain)) throw new SsoLoginFailedError('email_domain_not_verified');
    const existing = await this.accounts.findByEmail(context, mapped.email);
    if (existing) {
      if (existing.status !== 'active' && existing.status !== 'invited') throw new SsoLoginFailedError(`account_${existing.status}`);
      const linked = await context.em.findOne(SamlIdentity, { connectionId: connection.id, userId: existing.id });
      if (linked) throw new SsoLoginFailedError('account_linked_to_another_identity');
      return { kind: 'link', account: existing };
    }
    if (!connection.settings.jitProvisioning) throw new SsoLoginFailedError('jit_provisioning_off');
    return { kind: 'provision' };
  }

  private async signIn(context: CommandContext, connection: SamlConnection, mapped: MappedAssertion): Promise<{ userId: string; roleChanged: boolean; teamsChanged: boolean }> {
    const organizationId = connection.organizationId;
    const now = this.clock.now();
    await this.serialize(context, connection, mapped);
    const plan = await this.plan(context, connection, mapped);
    let identity: SamlIdentity;
    let userId: string;
    let previousGroups: string[] | null = null;
    let roleChanged = false;
    if (plan.kind === 'known') {
      identity = plan.identity;
      userId = plan.account.id;
      previousGroups = identity.groups;
    } else {
      let how: 'provisioned' | 'linked_existing' | 'linked_invited';
      if (plan.kind === 'provision') {
        userId = this.accounts.provision(context, { organizationId, email: mapped.email!, name: mapped.name, role: mapped.role, connectionId: connection.id }).id;
        how = 'provisioned';
      } else {
        userId = plan.account.id;
        how = plan.account.status === 'invited' ? 'linked_invited' : 'linked_existing';
        if (plan.account.status === 'invited') await this.accounts.activateInvited(context, userId, mapped.name, connection.id);
      }
      identity = SamlIdentity.link({ id: this.ids.uuid(), organizationId, connectionId: connection.id, nameId: mapped.nameId, userId, how, now });
      context.em.persist(identity);
    }
    if (plan.kind !== 'provision') {
      const outcome = await this.accounts.applyRole(context, userId, mapped.role);
      roleChanged = outcome === 'changed';
      if (outcome !== 'unchanged') {
        context.record({
          type: 'sso.role_mapped',
          organizationId,
          subject: { type: 'user', id: userId },
          payload: { connectionId: connection.id, role: mapped.role, outcome },
        });
      }
    }
    const groupsChanged = previousGroups === null || previousGroups.join('\n') !== mapped.groups.join('\n');
    if (groupsChanged) {
      context.record({
        type: 'sso.groups_changed',
        organizationId,
        subject: { type: 'user', id: userId },
        payload: { connectionId: connection.id, before: previousGroups, after: mapped.groups },
      });
    }
    // re-applied on every login, not only when the groups changed: the admin's mapping or a hand edit may have
    const teams = await this.teams.sync(context, { organizationId, userId, connectionId: connection.id, teamIds: mapped.teamIds });
    identity.groups = mapped.groups;
    identity.lastLoginAt = now;
    context.record({
      type: 'sso.assertion_accepted',
      organizationId,
      subject: { type: 'user', id: userId },
      payload: { connectionId: connection.id, identityId: identity.id, authnContext: mapped.authnContext, mfaByIdp: mapped.mfaByIdp },
    });
    return { userId, roleChanged, teamsChanged: teams.added.length + teams.removed.length > 0 };
  }

  /**
   * One sign-in of the same person at a time (their NameID at this connection, and their
   * email in the organization): parallel posts of fresh assertions for a new user find the
   * account the first one provisioned instead of provisioning it twice. Held to commit.
   */
  private async serialize(context: CommandContext, connection: SamlConnection, mapped: MappedAssertion): Promise<void> {
    const keys = [`sso:${connection.id}:${mapped.nameId}`, ...(mapped.email ? [`email:${connection.organizationId}:${mapped.email.toLowerCase()}`] : [])];
    for (const key of keys) {
      await context.em.getConnection().execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [key], 'all', context.em.getTransactionContext<Knex.Transaction>());
    }
  }

  /** What a login would do, decided the same way, with nothing written. */
  private async dryRun(loaded: LoadedConnection, assertion: { nameId: string; authnContext: string | null; attributes: Record<string, string[]> }, mapped: MappedAssertion, actor: Actor): Promise<SsoTestResult> {
    const context = new CommandContext(this.uow.reader(loaded.organization.id), actor);
    let account: SsoTestResult['account'];
    try {
      const plan = await this.plan(context, loaded.connection, mapped);
      account = { existingUserId: plan.kind === 'provision' ? null : plan.account.id, wouldProvision: plan.kind === 'provision', refusal: null };
    } catch (error) {
      if (!(error instanceof SsoLoginFailedError)) throw error;
      account = { existingUserId: null, wouldProvision: false, refusal: error.reason };
    }
    return {
      connectionId: loaded.connection.id,
      at: this.clock.now().toISOString(),
      sent: { nameId: assertion.nameId, authnContext: assertion.authnContext, attributes: assertion.attributes },
      mapped,
      account,
    };
  }

  private async recordFailure(loaded: LoadedConnection, actor: Actor, error: SsoLoginFailedError): Promise<void> {
    const organizationId = loaded.organization.id;
    await this.uow.run({ actor: { ...actor, organizationId }, organizationId }, async (context) => {
      context.record({
        type: 'auth.login_failed',
        organizationId,
        subject: { type: 'user', id: null },
        payload: { method: 'sso', connectionId: loaded.connection.id, reason: error.reason, ...(error.detail ? { detail: error.detail } : {}) },
      });
    });
  }
}
