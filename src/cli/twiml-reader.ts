/**
 * Reads a TwiML answer as Twilio would before playing it: well-formed XML, one <Response>,
 * known verbs, each in a place it may be. Knows TwiML only, nothing of this line's call flow.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface TwimlNode {
  name: string;
  attrs: Record<string, string>;
  /** The element's text, its elements' text included in order (for <Say>, <Play>, <Redirect>,
   * <Number>...): a <Say> with <sub alias="Pag-Assa">PAG-ASA</sub> reads "PAG-ASA", as written. */
  text: string;
  children: TwimlNode[];
}

export class TwimlError extends Error {}

/** Every verb of Twilio's voice TwiML, so a valid verb this caller cannot play is named as such. */
const TWILIO_VERBS = new Set([
  'Say',
  'Play',
  'Pause',
  'Gather',
  'Dial',
  'Redirect',
  'Hangup',
  'Reject',
  'Record',
  'Enqueue',
  'Leave',
  'Connect',
  'Pay',
  'Refer',
  'Start',
  'Stop',
  'Sms',
  'Echo',
]);
/** The verbs the terminal caller plays. */
export const PLAYED_VERBS = new Set(['Say', 'Play', 'Pause', 'Gather', 'Dial', 'Redirect', 'Hangup', 'Reject']);
const GATHER_CHILDREN = new Set(['Say', 'Play', 'Pause']);
/** The SSML Twilio passes inside <Say> to Polly; another tag can fail the whole <Say>. */
const SSML_TAGS = new Set(['break', 'lang', 'p', 'phoneme', 'prosody', 's', 'say-as', 'sub', 'w']);
const DIAL_NOUNS = new Set(['Number', 'Sip', 'Client', 'Conference', 'Queue', 'Application']);

/** Twilio refuses answers over 64 kB. */
export const MAX_TWIML_BYTES = 64 * 1024;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
});

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

/** The text of an element and of the elements inside it, in document order. */
function textOf(kids: Ordered[]): string {
  return kids
    .map((k) => {
      if ('#text' in k) return String(k['#text']);
      const name = Object.keys(k).find((n) => n !== ':@');
      return name && !name.startsWith('?') && !name.startsWith('!') ? textOf((k[name] as Ordered[]) ?? []) : '';
    })
    .join('');
}

function toNode(o: Ordered): TwimlNode | undefined {
  const name = Object.keys(o).find((k) => k !== ':@');
  if (!name || name === '#text' || name.startsWith('?') || name.startsWith('!')) return undefined;
  const kids = (o[name] as Ordered[] | undefined) ?? [];
  return {
    name,
    attrs: { ...(o[':@'] ?? {}) },
    text: textOf(kids).trim(),
    children: kids.map(toNode).filter((n): n is TwimlNode => n !== undefined),
  };
}

function checkSay(say: TwimlNode): void {
  if (!say.text) throw new TwimlError('<Say> is empty');
  const inside = (n: TwimlNode): TwimlNode[] => n.children.flatMap((c) => [c, ...inside(c)]);
  for (const c of inside(say))
    if (!SSML_TAGS.has(c.name)) throw new TwimlError(`<${c.name}> is not SSML that Twilio passes inside <Say>`);
}

/** Parses and checks a TwiML document; throws a TwimlError saying what Twilio would refuse. */
export function readTwiml(xml: string): TwimlNode {
  if (Buffer.byteLength(xml) > MAX_TWIML_BYTES)
    throw new TwimlError(`the answer is ${Buffer.byteLength(xml)} bytes; Twilio refuses TwiML over 64 kB`);
  if (!/^(<\?xml|<Response[\s>/])/.test(xml))
    throw new TwimlError(`the answer does not start with <?xml or <Response>: ${JSON.stringify(xml.slice(0, 60))}`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new TwimlError(`not well-formed XML (line ${valid.err.line}, column ${valid.err.col}): ${valid.err.msg}`);
  const roots = (parser.parse(xml) as Ordered[]).map(toNode).filter((n): n is TwimlNode => n !== undefined);
  if (roots.length !== 1 || roots[0]!.name !== 'Response') {
    throw new TwimlError(
      `TwiML needs exactly one <Response> root, found ${roots.map((r) => `<${r.name}>`).join(', ') || 'none'}`,
    );
  }
  const root = roots[0]!;
  for (const verb of root.children) {
    if (!TWILIO_VERBS.has(verb.name)) throw new TwimlError(`<${verb.name}> is not a TwiML verb (Twilio error 12200)`);
    if (!PLAYED_VERBS.has(verb.name))
      throw new TwimlError(`<${verb.name}> is a TwiML verb the terminal caller does not play`);
    if (verb.name === 'Gather') {
      for (const c of verb.children) {
        if (!GATHER_CHILDREN.has(c.name))
          throw new TwimlError(`<${c.name}> cannot be inside <Gather> (only <Say>, <Play>, <Pause>)`);
        if (c.name === 'Say') checkSay(c);
      }
    }
    if (verb.name === 'Dial') {
      for (const c of verb.children)
        if (!DIAL_NOUNS.has(c.name)) throw new TwimlError(`<${c.name}> cannot be inside <Dial>`);
      if (verb.children.length === 0 && !verb.text) throw new TwimlError('<Dial> has no destination');
    }
    if (verb.name === 'Say') checkSay(verb);
    if (
      (verb.name === 'Redirect' || verb.name === 'Play') &&
      !verb.text &&
      !(verb.name === 'Play' && verb.attrs.digits)
    ) {
      throw new TwimlError(`<${verb.name}> has no URL`);
    }
  }
  return root;
}
