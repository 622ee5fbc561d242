import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SamlTarget } from './saml-flow';
import { TestIdp, type AssertionSpec } from './saml-idp';

function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The samlify IdP behind a tiny HTTP server, for a real browser: its SSO URL reads the
 * AuthnRequest, signs the response `who` says, and answers the auto-posting form an IdP
 * sends back (with a button, as IdPs do for browsers without scripts).
 */
export class IdpServer {
  who: Omit<AssertionSpec, 'inResponseTo'> | null = null;
  private target: { sp: SamlTarget; postTo: string } | null = null;

  private constructor(
    private readonly server: Server,
    readonly idp: TestIdp,
  ) {}

  static async start(): Promise<IdpServer> {
    let self: IdpServer | null = null;
    const server = createServer((request, response) => {
      void self!.answer(request.url ?? '/').then(
        (html) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html),
        (error: Error) => response.writeHead(400, { 'content-type': 'text/plain' }).end(error.message),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new IdpServer(server, new TestIdp(`http://127.0.0.1:${port}`));
    return self;
  }

  /** `postTo`: where the browser posts the response (the app's ACS as the test reaches it). */
  serve(target: SamlTarget, postTo: string): void {
    this.target = { sp: target, postTo };
  }

  private async answer(path: string): Promise<string> {
    if (!this.target || !this.who) throw new Error('nobody to sign in');
    const { sp, postTo } = this.target;
    const { requestId } = await this.idp.receive(sp.sp, `${this.idp.entityId}${path}`);
    const samlResponse = await this.idp.mint(sp.sp, sp.acsUrl, sp.entityId, { ...this.who, inResponseTo: requestId });
    return `<!doctype html><html><body><form method="post" action="${esc(postTo)}"><input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}"><button type="submit" id="idp-continue">Continue</button></form><script>document.forms[0].submit()</script></body></html>`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
