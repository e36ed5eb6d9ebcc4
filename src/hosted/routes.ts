import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getAccount } from '../storage/repos/accounts.js';
import { systemContext, type CallContext, type Deps } from '../services/context.js';
import { BUYER_DECISIONS, type BuyerDecision } from '../connectors/connector.js';
import { redirectCompleter } from './completers.js';
import { findRedirectSession, REDIRECT_PATH, type RedirectSession } from './redirect-sessions.js';
import { authorizationPage, messagePage, receiptPage } from './page.js';
import { findReceipt, RECEIPT_PATH } from './receipts.js';

/**
 * The hosted authorization page (client.md §4): where `next_action.redirect_to_url.url` points.
 * GET shows what is being authorized and three buttons; each POSTs `action=authorize|fail|
 * authorize_decline_later` to the same URL, which applies the outcome and answers 303 to the
 * merchant's return_url (or a completion page when there is none). Scripts can finish a redirect
 * without a browser: `curl -d action=authorize <url>`.
 *
 * The token in the URL is the capability. Cross-site form posts are refused (Origin /
 * Sec-Fetch-Site must be this origin when the browser sends them), the page may not be framed,
 * and no Referer carrying the token leaves the origin.
 */
export function hostedPagesPlugin(app: FastifyInstance, deps: Deps): void {
  app.get(`${REDIRECT_PATH}/:token`, async (req, reply) => {
    const found = await load(deps, req);
    if (!found) return page(reply, 404, messagePage({ title: 'Link not valid', message: 'This authorization link is not valid. Ask the merchant to start again.' }));
    const { ctx, session } = found;
    const completer = redirectCompleter(session.intentType)!;
    const d = await completer.describe(ctx, session);
    if (session.state !== 'open' || !d.open) return page(reply, 200, closedPage(session, d.closedReason, d.returnTo));
    return page(reply, 200, authorizationPage({ business: ctx.account.display_name, description: d, actionPath: `${REDIRECT_PATH}/${(req.params as { token: string }).token}` }));
  });

  // A charge's receipt_url: the token is the capability, as for the authorization page.
  app.get(`${RECEIPT_PATH}/:charge/:token`, async (req, reply) => {
    const { charge, token } = req.params as { charge: string; token: string };
    const receipt = await findReceipt(deps, charge, token);
    if (!receipt) return page(reply, 404, messagePage({ title: 'Receipt not found', message: 'This receipt link is not valid.' }));
    return page(reply, 200, receiptPage(receipt));
  });

  app.post(`${REDIRECT_PATH}/:token`, async (req, reply) => {
    if (!sameOriginOrDirect(req)) {
      return page(reply, 403, messagePage({ title: 'Request refused', message: 'This form can only be submitted from its own page.' }));
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const action = body.action;
    if (typeof action !== 'string' || !BUYER_DECISIONS.includes(action as BuyerDecision)) {
      return page(reply, 400, messagePage({ title: 'Unknown choice', message: `Send action=${BUYER_DECISIONS.join(', action=')}.` }));
    }
    const found = await load(deps, req);
    if (!found) return page(reply, 404, messagePage({ title: 'Link not valid', message: 'This authorization link is not valid. Ask the merchant to start again.' }));
    const { ctx, session } = found;
    const completer = redirectCompleter(session.intentType)!;
    if (session.state !== 'open') {
      const d = await completer.describe(ctx, session);
      return page(reply, 409, closedPage(session, d.closedReason, d.returnTo));
    }
    const done = await completer.complete(ctx, session, action as BuyerDecision, {
      ip: req.ip,
      userAgent: (req.headers['user-agent'] as string | undefined) ?? null,
      acceptedAtMs: deps.clock.nowMs(),
    });
    if (done.closedReason) return page(reply, 409, closedPage(session, done.closedReason, done.returnTo));
    if (done.returnTo) return reply.code(303).header('Location', done.returnTo).header('Referrer-Policy', 'no-referrer').send();
    const title = done.redirectStatus === 'succeeded' ? 'Authorization complete' : done.redirectStatus === 'failed' ? 'Authorization failed' : 'Authorization in progress';
    const message =
      done.redirectStatus === 'succeeded'
        ? 'You can close this page and return to the merchant.'
        : done.redirectStatus === 'failed'
          ? 'The authorization was not completed. Return to the merchant to try again.'
          : 'Your answer was received and is being processed. You can close this page.';
    return page(reply, 200, messagePage({ title, message }));
  });
}

async function load(deps: Deps, req: FastifyRequest): Promise<{ ctx: CallContext; session: RedirectSession } | undefined> {
  const { token } = req.params as { token: string };
  const session = await findRedirectSession(deps.store.read, token);
  if (!session || !redirectCompleter(session.intentType)) return undefined;
  const account = await getAccount(deps.store.read, session.accountId);
  if (!account) return undefined;
  // The customer's answer is no API request: events it causes carry `request.id: null`.
  return { ctx: systemContext(deps, account, session.livemode), session };
}

function closedPage(session: RedirectSession, reason: string | undefined, returnTo: string | null): string {
  const message = reason ?? (session.state === 'superseded' ? 'This authorization was replaced by a newer one or canceled.' : 'This authorization was already completed.');
  return messagePage({ title: 'Nothing to authorize', message: `${message} Nothing was changed.`, returnTo });
}

/**
 * Browsers say where a form post comes from; refuse posts from other sites. Requests without
 * those headers (curl, scripts finishing a redirect) hold the URL's token and are allowed.
 */
function sameOriginOrDirect(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return origin !== 'null';
  const host = req.headers.host;
  return origin === `${req.protocol}://${host}`;
}

function page(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('Content-Type', 'text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on the page's own
    // form posts. Other origins still never see the URL (and the 303 onwards says no-referrer).
    .header('Referrer-Policy', 'same-origin')
    .header('X-Frame-Options', 'DENY')
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
    .send(html);
}
