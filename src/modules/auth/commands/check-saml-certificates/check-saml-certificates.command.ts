import { Command } from '@nestjs/cqrs';

/** Warns, once per settings version, about SAML certificates that end within the warning window. */
export class CheckSamlCertificatesCommand extends Command<number> {}
