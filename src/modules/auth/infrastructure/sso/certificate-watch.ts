import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CheckSamlCertificatesCommand } from '../../commands/check-saml-certificates/check-saml-certificates.command';

const CHECK_INTERVAL_MS = 6 * 3_600_000;

/** Runs the certificate-expiry check where workers run: at start and every six hours (it warns once per settings version). */
@Injectable()
export class CertificateWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CertificateWatch.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly commands: CommandBus) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
    void this.check();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    try {
      await this.commands.execute(new CheckSamlCertificatesCommand());
    } catch (error) {
      this.logger.warn(`SAML certificate check failed: ${(error as Error).message}`);
    }
  }
}
