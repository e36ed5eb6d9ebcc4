import type Stripe from 'stripe';
import { decimalsOf } from '../domain/money/currencies.js';
import type { RedirectDescription } from './completers.js';
import type { Receipt } from './receipts.js';

/**
 * HTML of the hosted pages (authorization, receipt). Everything that comes from data (the account's name,
 * URLs, amounts) goes through `escapeHtml`; the page has no script.
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const METHOD_LABELS: Record<string, string> = { amazon_pay: 'Amazon Pay' };
export const methodLabel = (type: string) => METHOD_LABELS[type] ?? type;

/** The three test outcomes, in page order: the accessible names are part of onfile's contract. */
export const BUTTONS = [
  { action: 'authorize', label: 'Authorize test payment' },
  { action: 'fail', label: 'Fail test payment' },
  { action: 'authorize_decline_later', label: 'Authorize, but decline later charges' },
] as const;

/** Amounts are in the currency's smallest unit (https://docs.stripe.com/currencies#zero-decimal). */
export function formatAmount(amount: number, currency: string): string {
  const major = amount / 10 ** decimalsOf(currency.toLowerCase());
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(major);
  } catch {
    return `${major} ${currency.toUpperCase()}`;
  }
}

/** The seed's recommended authorization text (set-up-future-amazon-pay-payments, "Present authorization terms"). */
export function mandateText(business: string, method: string): string {
  return `By continuing, you authorize ${business} to debit your ${method} account for this payment and future payments in accordance with ${business}'s terms, until this authorization is revoked.`;
}

const STYLE = `
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; background: #f6f8fa; color: #1a1f36; margin: 0; }
  main { max-width: 28rem; margin: 3rem auto; background: #fff; border-radius: 12px; padding: 2rem; box-shadow: 0 2px 12px rgba(0,0,0,.08); }
  .badge { display: inline-block; font-size: .75rem; font-weight: 600; letter-spacing: .05em; text-transform: uppercase; color: #9c4a00; background: #fff4e0; border-radius: 4px; padding: .1rem .5rem; }
  h1 { font-size: 1.3rem; margin: .75rem 0 .25rem; }
  .what { font-size: 1.1rem; margin: 0 0 1rem; }
  .terms { font-size: .9rem; color: #4f566b; border-left: 3px solid #d5dbe1; padding-left: .75rem; }
  form { margin: .6rem 0; }
  button { width: 100%; font: inherit; padding: .7rem; border-radius: 8px; border: 1px solid #c2c8d0; background: #fff; cursor: pointer; }
  button.primary { background: #635bff; border-color: #635bff; color: #fff; font-weight: 600; }
  .note { font-size: .8rem; color: #697386; margin-top: 1.25rem; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: .35rem 1rem; margin: 1rem 0; }
  dt { color: #697386; }
  dd { margin: 0; text-align: right; }
  h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: #697386; margin: 1.5rem 0 .25rem; }
  table { width: 100%; border-collapse: collapse; }
  td { padding: .3rem 0; border-top: 1px solid #e3e8ee; }
  td.amount { text-align: right; }
  a { color: #635bff; }
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export function authorizationPage(opts: { business: string; description: RedirectDescription; actionPath: string }): string {
  const { business, description: d } = opts;
  const method = methodLabel(d.paymentMethodType);
  const what =
    d.purpose.kind === 'setup'
      ? `${business} wants to save your ${method} account for future payments.`
      : `${business} requests a payment of ${formatAmount(d.purpose.amount, d.purpose.currency)}${d.purpose.savesForLater ? ' and to save your account for future payments' : ''}.`;
  const buttons = BUTTONS.map(
    (b, i) => `<form method="post" action="${escapeHtml(opts.actionPath)}">
  <input type="hidden" name="action" value="${b.action}">
  <button type="submit"${i === 0 ? ' class="primary"' : ''}>${escapeHtml(b.label)}</button>
</form>`,
  ).join('\n');
  return layout(
    `${method} authorization · ${business}`,
    `<span class="badge">Test mode</span>
<h1>${escapeHtml(method)} · ${escapeHtml(business)}</h1>
<p class="what">${escapeHtml(what)}</p>
<p class="terms">${escapeHtml(mandateText(business, method))}</p>
${buttons}
<p class="note">This page stands in for ${escapeHtml(method)}'s authorization step in test mode. Each button sends <code>action=authorize</code>, <code>action=fail</code> or <code>action=authorize_decline_later</code> to this page's URL; scripts may POST the same form.</p>`,
  );
}

export function messagePage(opts: { title: string; message: string; returnTo?: string | null }): string {
  const link = opts.returnTo ? `<p><a href="${escapeHtml(opts.returnTo)}">Return to the merchant</a></p>` : '';
  return layout(opts.title, `<span class="badge">Test mode</span>
<h1>${escapeHtml(opts.title)}</h1>
<p>${escapeHtml(opts.message)}</p>
${link}`);
}

/** `1796639094` → `December 7, 2026` (UTC: the page does not know the reader's zone). */
function formatDate(seconds: number): string {
  return new Date(seconds * 1000).toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
}

/** The charge's state in a line: what the customer was charged, held, or given back. */
function chargeState(c: Stripe.Charge, refunded: number): string {
  if (!c.captured) return c.refunded ? 'Canceled: the authorization was released' : 'Authorized, not yet charged';
  if (refunded >= c.amount_captured) return 'Refunded';
  if (refunded > 0) return 'Partially refunded';
  return c.status === 'pending' ? 'Pending' : 'Paid';
}

/** The receipt behind a charge's `receipt_url`, kept to the charge's current state. */
export function receiptPage(r: Receipt): string {
  const { charge: c, account } = r;
  const business = account.display_name;
  const method = methodLabel(c.payment_method_details?.type ?? '');
  const refunded = r.refunds.reduce((sum, f) => sum + f.amount, 0);
  const rows: [string, string][] = [
    [c.captured ? 'Amount paid' : 'Amount authorized', formatAmount(c.captured ? c.amount_captured : c.amount, c.currency)],
    [c.captured ? 'Date paid' : 'Date authorized', formatDate(c.created)],
    ['Payment method', method],
    ['Status', chargeState(c, refunded)],
  ];
  if (refunded > 0) rows.push(['Amount refunded', formatAmount(refunded, c.currency)]);
  if (c.receipt_number) rows.unshift(['Receipt number', c.receipt_number]);
  const list = rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n');
  const summary = c.description ? `<h2>Summary</h2>\n<p>${escapeHtml(c.description)}</p>` : '';
  const refundRows = r.refunds
    .map((f) => `<tr><td>${escapeHtml(`Refund${f.status === 'pending' ? ' (pending)' : ''} · ${formatDate(f.created)}`)}</td><td class="amount">${escapeHtml(`−${formatAmount(f.amount, f.currency)}`)}</td></tr>`)
    .join('\n');
  const refunds = refundRows ? `<h2>Refunds</h2>\n<table>\n${refundRows}\n</table>` : '';
  const badge = c.livemode ? '' : '<span class="badge">Test mode</span>\n';
  return layout(
    `Receipt from ${business}`,
    `${badge}<h1>Receipt from ${escapeHtml(business)}</h1>
<dl>
${list}
</dl>
${summary}
${refunds}
<p class="note">${escapeHtml(`This payment appears on your statement as ${c.calculated_statement_descriptor ?? business}. Questions about it? Contact ${business}.`)}</p>`,
  );
}
