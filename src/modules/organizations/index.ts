export { OrganizationsModule } from './organizations.module';
export { OrganizationDirectory, type OrganizationSummary } from './contracts/organization-directory';
export { BootstrapService, type BootstrapOutcome } from './bootstrap/bootstrap.service';
export { CreateOrganizationCommand, type CreatedOrganization } from './commands/create-organization/create-organization.command';
export { ORGANIZATIONS_EVENTS } from './contracts/organizations.events';
export { UpdateOrganizationCommand } from './commands/update-organization/update-organization.command';
