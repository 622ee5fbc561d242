import { CommandBus } from '@nestjs/cqrs';
import { PasswordHasher } from '../../src/infrastructure/security/password-hasher';
import { UnitOfWork } from '../../src/infrastructure/event-store/unit-of-work';
import { systemActor } from '../../src/shared/actor';
import { CreateOrganizationCommand } from '../../src/modules/organizations';
import { User } from '../../src/modules/users/domain/user.entity';
import type { TestApp } from './test-app';

let counter = 0;

/**
 * An active user with a password, made through the same command path the product uses
 * (until the users API of its own issue lands, tests create members this way).
 */
export async function createUser(
  t: TestApp,
  input: { organizationId: string; role: string; email?: string; password?: string },
): Promise<{ id: string; email: string; password: string }> {
  const email = input.email ?? `user${++counter}-${Date.now()}@example.com`;
  const password = input.password ?? `a long password ${counter}`;
  const passwordHash = await t.app.get(PasswordHasher).hash(password);
  const { result } = await t.app.get(UnitOfWork).run({ actor: systemActor(), organizationId: input.organizationId }, async ({ em }) => {
    const user = User.register({
      id: crypto.randomUUID(),
      organizationId: input.organizationId,
      email,
      role: input.role,
      passwordHash,
      now: new Date(),
      via: 'test',
    });
    em.persist(user);
    return user.id;
  });
  return { id: result, email, password };
}

/** A second organization with its own active Administrator. */
export async function createOrganization(t: TestApp, slug: string): Promise<{ id: string; adminEmail: string; adminPassword: string }> {
  const adminEmail = `admin@${slug}.example`;
  const adminPassword = `${slug} administrator password`;
  const passwordHash = await t.app.get(PasswordHasher).hash(adminPassword);
  const created = await t.app
    .get(CommandBus)
    .execute(new CreateOrganizationCommand(slug, slug, adminEmail, systemActor(), { adminPasswordHash: passwordHash }));
  return { id: created.id, adminEmail, adminPassword };
}

export async function organizationId(t: TestApp, slug = 'default'): Promise<string> {
  const sql = await t.env.sql();
  try {
    const { rows } = await sql.query<{ id: string }>('select id from organizations where slug = $1', [slug]);
    return rows[0].id;
  } finally {
    await sql.end();
  }
}
