import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { UsersModule } from '../users';
import { BootstrapService } from './bootstrap/bootstrap.service';
import { CreateOrganizationHandler } from './commands/create-organization/create-organization.handler';
import { UpdateOrganizationHandler } from './commands/update-organization/update-organization.handler';
import { OrganizationDirectory } from './contracts/organization-directory';
import { Organization } from './domain/organization.entity';
import { OrganizationsController } from './http/organizations.controller';

@Module({
  imports: [MikroOrmModule.forFeature([Organization]), UsersModule],
  controllers: [OrganizationsController],
  providers: [OrganizationDirectory, CreateOrganizationHandler, UpdateOrganizationHandler, BootstrapService],
  exports: [OrganizationDirectory, BootstrapService],
})
export class OrganizationsModule {}
