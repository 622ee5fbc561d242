import { DOMParser, type XmlDocument } from '@xmldom/xmldom';

/**
 * Parses XML we were sent only after refusing what no SAML message or metadata needs: a
 * DOCTYPE (entities, XXE, billion laughs) or a processing instruction other than the XML
 * declaration. xmldom fetches nothing, and any parse warning or error is a refusal.
 */
export function parseUntrustedXml(xml: string): XmlDocument {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error('dtd_refused');
  if (/<\?(?!xml\s)/i.test(xml.replace(/^\uFEFF/, '').slice(1)) || /<\?xml[^>]*\?>[\s\S]*<\?xml/i.test(xml)) throw new Error('processing_instruction_refused');
  const problems: string[] = [];
  const doc = new DOMParser({
    locator: {},
    errorHandler: { warning: (m: string) => problems.push(m), error: (m: string) => problems.push(m), fatalError: (m: string) => problems.push(m) },
  }).parseFromString(xml, 'text/xml');
  if (problems.length || !doc?.documentElement) throw new Error('malformed_xml');
  return doc;
}
