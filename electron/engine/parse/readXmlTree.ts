// A small element tree of an XML part (PPTX slides, OFD pages), built with htmlparser2 in XML mode. Names keep
// their prefix as written ('a:t', 'ofd:TextCode'); `localName` drops it, since producers choose their own prefixes.

import { Parser } from 'htmlparser2';
import { ParseError } from './types.ts';

/** Deeper nesting is hostile (slides and OFD pages nest a dozen levels); the tree is walked recursively. */
const MAX_DEPTH = 256;

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

export function readXmlTree(xml: Uint8Array | string): XmlElement {
  const root: XmlElement = { name: '#document', attributes: {}, children: [] };
  const stack: XmlElement[] = [root];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const element: XmlElement = { name, attributes, children: [] };
        stack.at(-1)!.children.push(element);
        stack.push(element);
        if (stack.length > MAX_DEPTH) {
          throw new ParseError('corrupt', `damaged document: its XML nests more than ${MAX_DEPTH} levels deep`);
        }
      },
      ontext(text) {
        stack.at(-1)!.children.push(text);
      },
      onclosetag() {
        if (stack.length > 1) stack.pop();
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(typeof xml === 'string' ? xml : new TextDecoder('utf-8').decode(xml));
  return root;
}

export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Child elements, optionally of one local name. */
export function childElements(element: XmlElement, name?: string): XmlElement[] {
  return element.children.filter(
    (c): c is XmlElement => typeof c !== 'string' && (name === undefined || localName(c.name) === name),
  );
}

/** Every descendant element of one local name, in document order (not looking inside matches). */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (e: XmlElement): void => {
    for (const child of childElements(e)) {
      if (localName(child.name) === name) found.push(child);
      else visit(child);
    }
  };
  visit(element);
  return found;
}

export function findFirst(element: XmlElement, name: string): XmlElement | undefined {
  for (const child of childElements(element)) {
    if (localName(child.name) === name) return child;
    const below = findFirst(child, name);
    if (below) return below;
  }
  return undefined;
}

/** All text below an element, concatenated. */
export function textOf(element: XmlElement): string {
  return element.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

/** An attribute by local name (`r:id` found as 'id' when asked with its prefix dropped). */
export function attribute(element: XmlElement, name: string): string | undefined {
  if (element.attributes[name] !== undefined) return element.attributes[name];
  for (const [key, value] of Object.entries(element.attributes)) if (localName(key) === name) return value;
  return undefined;
}
