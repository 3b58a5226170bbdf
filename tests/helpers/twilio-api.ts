/**
 * A stand-in for Twilio's Calls resource (REST API 2010-04-01) on 127.0.0.1, holding call
 * records as data: the list filtered by To and ParentCallSid, in pages with next_page_uri,
 * and DELETE of one record. `answer` may replace any answer (a 429, a 20009).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ACCOUNT = 'AC' + '0123456789abcdef'.repeat(2);
export const TOKEN = 'stand-in-test-token';

export interface CallRecord {
  sid: string;
  to: string;
  from: string;
  status: string;
  parentCallSid?: string | undefined;
  /** Undefined while the call goes on. */
  endTime?: Date | undefined;
}

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CallsApi {
  url: string;
  /** The records still held. */
  calls: Map<string, CallRecord>;
  requests: ApiRequest[];
  /** SIDs deleted, in order (each successful DELETE). */
  deleted: string[];
  close(): Promise<void>;
}

/** A call SID from a short name, the same each time. */
export function sid(name: string): string {
  return 'CA' + Buffer.from(name).toString('hex').padEnd(32, '0').slice(0, 32);
}

const rfc2822 = (d: Date | undefined) => (d ? d.toUTCString().replace('GMT', '+0000') : null);

function json(c: CallRecord) {
  return {
    sid: c.sid,
    account_sid: ACCOUNT,
    parent_call_sid: c.parentCallSid ?? null,
    to: c.to,
    from: c.from,
    status: c.status,
    direction: c.parentCallSid ? 'outbound-dial' : 'inbound',
    start_time: rfc2822(c.endTime ? new Date(c.endTime.getTime() - 60_000) : new Date()),
    end_time: rfc2822(c.endTime),
    duration: c.endTime ? '60' : null,
  };
}

export async function callsApi(
  records: CallRecord[],
  o: { pageSize?: number; answer?: (r: ApiRequest) => Reply | undefined } = {},
): Promise<CallsApi> {
  const calls = new Map(records.map((c) => [c.sid, c]));
  const requests: ApiRequest[] = [];
  const deleted: string[] = [];
  const pageSize = o.pageSize ?? 2;
  const base = `/2010-04-01/Accounts/${ACCOUNT}/Calls`;
  const drain = (req: IncomingMessage) => new Promise<void>((resolve) => req.resume().on('end', resolve));
  const server = createServer((req, res) => {
    void drain(req).then(() => {
      const u = new URL(req.url!, 'http://127.0.0.1');
      const r: ApiRequest = {
        method: req.method!,
        path: u.pathname,
        query: u.searchParams,
        authorization: req.headers.authorization,
      };
      requests.push(r);
      const reply = o.answer?.(r) ?? standard(r);
      res
        .writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
        .end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
    });
  });
  const standard = (r: ApiRequest): Reply => {
    if (r.authorization !== `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`)
      return { status: 401, body: { code: 20003, message: 'Authenticate', status: 401 } };
    if (r.method === 'GET' && r.path === `${base}.json`) {
      const to = r.query.get('To');
      const parent = r.query.get('ParentCallSid');
      const all = [...calls.values()].filter(
        (c) => (to === null || c.to === to) && (parent === null || c.parentCallSid === parent),
      );
      const page = Number(r.query.get('Page') ?? '0');
      const items = all.slice(page * pageSize, (page + 1) * pageSize);
      const next = new URLSearchParams(r.query);
      next.set('Page', String(page + 1));
      next.set('PageToken', `PA${items.at(-1)?.sid ?? ''}`);
      return {
        status: 200,
        body: {
          calls: items.map(json),
          page,
          page_size: pageSize,
          uri: `${r.path}?${r.query}`,
          next_page_uri: (page + 1) * pageSize < all.length ? `${r.path}?${next}` : null,
        },
      };
    }
    const one = new RegExp(`^${base}/(CA[0-9a-f]{32})\\.json$`).exec(r.path);
    if (r.method === 'DELETE' && one) {
      const c = calls.get(one[1]!);
      if (!c)
        return { status: 404, body: { code: 20404, message: 'The requested resource was not found', status: 404 } };
      if (!c.endTime)
        return { status: 400, body: { code: 20009, message: 'Cannot delete a call in progress', status: 400 } };
      calls.delete(c.sid);
      deleted.push(c.sid);
      return { status: 204 };
    }
    return { status: 404, body: { code: 20404, message: 'not found', status: 404 } };
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    requests,
    deleted,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
