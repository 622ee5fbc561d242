// The types of @xmldom/xmldom reference the whole DOM lib, which would replace Node's own
// fetch and Buffer types across the project; tsconfig maps the package to this narrow
// declaration of the part Gatehouse and its test IdP use. The runtime is the real package.
export interface XmlNode {
  nodeType: number;
  localName: string | null;
  namespaceURI: string | null;
  textContent: string | null;
  childNodes: ArrayLike<XmlNode>;
  parentNode: XmlNode | null;
}

export interface XmlElement extends XmlNode {
  getAttribute(name: string): string | null;
  getElementsByTagNameNS(namespace: string, localName: string): ArrayLike<XmlElement>;
}

export interface XmlDocument extends XmlNode {
  documentElement: XmlElement | null;
  getElementsByTagNameNS(namespace: string, localName: string): ArrayLike<XmlElement>;
}

export interface Options {
  locator?: object;
  errorHandler?: { warning?: (message: string) => void; error?: (message: string) => void; fatalError?: (message: string) => void };
}

export declare class DOMParser {
  constructor(options?: Options);
  parseFromString(source: string, mimeType?: string): XmlDocument;
}

export declare class XMLSerializer {
  serializeToString(node: XmlNode): string;
}
