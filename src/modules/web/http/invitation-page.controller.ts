import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../../../shared/actor';
import { CurrentActor, Public } from '../../../shared/decorators';
import { DomainError } from '../../../shared/domain-error';
import { PolicyStore } from '../../access-policy';
import { AcceptInvitationAndSignInCommand } from '../../auth';
import { OrganizationDirectory, type OrganizationSummary } from '../../organizations';
import { PreviewInvitationQuery, type InvitationPreview } from '../../users';
import type { MessageKey } from '../pages/messages.en';
import { PageCsrfGuard } from '../pages/page-csrf.guard';
import { PageErrorFilter } from '../pages/page-error.filter';
import { PageFlow } from '../pages/page-flow';
import { field, type PageRequest } from '../pages/page-request';
import type { PageSession } from '../pages/page-sessions';
import { passwordRules, weakPasswordMessages } from '../pages/password-rules';

const UNUSABLE: Record<string, MessageKey> = {
  'INVITATIONS.ACCEPTED': 'invitation.accepted',
  'INVITATIONS.REVOKED': 'invitation.revoked',
  'INVITATIONS.EXPIRED': 'invitation.expired',
  'INVITATIONS.UNKNOWN': 'invitation.unknown',
  'COMMON.NOT_FOUND': 'invitation.unknown',
};

/**
 * The mailed invitation link, and the bootstrap administrator's setup link: who invites
 * whom to what, a form for name and password under the organization's rules, and on
 * success a signed-in session (through MFA enrolment when the role requires it). The token
 * is in this URL until it is used; the success answer redirects to a clean one, and the
 * pages' Referrer-Policy keeps it from leaking to anything the page loads.
 */
@ApiExcludeController()
@Public()
@UseGuards(PageCsrfGuard)
@UseFilters(PageErrorFilter)
@Controller('invitations')
export class InvitationPageController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly organizations: OrganizationDirectory,
    private readonly policies: PolicyStore,
    private readonly flow: PageFlow,
  ) {}

  @Get(':token')
  async show(@Req() request: PageRequest, @Res() reply: FastifyReply, @Param('token') token: string, @Query('returnTo') returnTo?: string): Promise<void> {
    await this.render(request, reply, this.flow.session(request), token, { name: '', returnTo: this.flow.returnTo(returnTo) ?? '' });
  }

  @Post(':token')
  async accept(@Req() request: PageRequest, @Res() reply: FastifyReply, @Param('token') token: string, @Body() body: unknown, @CurrentActor() actor: Actor): Promise<void> {
    const session = this.flow.session(request);
    const values = { name: field(body, 'name').trim().slice(0, 200), returnTo: field(body, 'returnTo') };
    if (!values.name) {
      const { t } = this.flow.language(request);
      return this.render(request, reply, session, token, values, null, t('invitation.nameMissing'), 400);
    }
    const preview = await this.preview(token);
    if ('unusable' in preview) return this.unusable(request, reply, session, preview.unusable);
    try {
      const result = await this.commands.execute(new AcceptInvitationAndSignInCommand(token, values.name, field(body, 'password').slice(0, 1024), actor));
      return this.flow.continueSignIn(reply, session, result, this.flow.returnTo(values.returnTo), preview.organization.slug);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'AUTH.WEAK_PASSWORD') return this.render(request, reply, session, token, values, error, null, 400);
      if (error instanceof DomainError && error.code in UNUSABLE) return this.unusable(request, reply, session, error.code);
      throw error;
    }
  }

  private async preview(token: string): Promise<{ unusable: string } | (InvitationPreview & { organization: OrganizationSummary })> {
    try {
      const preview = await this.queries.execute(new PreviewInvitationQuery(token.slice(0, 256)));
      const organization = await this.organizations.findById(preview.organizationId);
      if (!organization) return { unusable: 'INVITATIONS.UNKNOWN' };
      return { ...preview, organization };
    } catch (error) {
      if (error instanceof DomainError && error.code in UNUSABLE) return { unusable: error.code };
      throw error;
    }
  }

  private async render(
    request: PageRequest,
    reply: FastifyReply,
    session: PageSession,
    token: string,
    values: { name: string; returnTo: string },
    refusal: DomainError | null = null,
    missing: string | null = null,
    status = 200,
  ): Promise<void> {
    const preview = await this.preview(token);
    if ('unusable' in preview) return this.unusable(request, reply, session, preview.unusable);
    const language = this.flow.language(request);
    const { t } = language;
    const policy = (await this.policies.get(preview.organizationId)).document.password;
    const organization = preview.organization.name;
    await this.flow.render(
      reply,
      session,
      'invitation',
      {
        language,
        title: t('invitation.title', { organization }),
        intro: preview.inviterName
          ? t('invitation.intro', { inviter: preview.inviterName, organization, role: preview.role })
          : t('invitation.introNoInviter', { organization, role: preview.role }),
        email: preview.email,
        action: `/invitations/${encodeURIComponent(token)}`,
        rules: passwordRules(t, policy),
        errors: refusal ? weakPasswordMessages(t, refusal, policy) : [],
        missing: !!missing,
        error: missing,
        values,
      },
      status,
    );
  }

  private async unusable(request: PageRequest, reply: FastifyReply, session: PageSession, code: string): Promise<void> {
    const language = this.flow.language(request);
    const status = code === 'INVITATIONS.UNKNOWN' || code === 'COMMON.NOT_FOUND' ? 404 : 410;
    await this.flow.render(
      reply,
      session,
      'error',
      { language, title: language.t('invitation.unusable.title'), message: language.t(UNUSABLE[code] ?? 'invitation.unknown'), signInLink: true },
      status,
    );
  }
}
