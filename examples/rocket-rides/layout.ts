import { html, jsonForScript, Html } from './html.js';
import type { Rider } from './store.js';

export const MERCHANT = 'Rocket Rides';

/**
 * The seed's recommended authorization text ("Present authorization terms on your payment form"),
 * shown before the rider confirms and stored with each acceptance.
 */
export const AUTHORIZATION_TEXT = `By continuing, you authorize ${MERCHANT} to debit your Amazon Pay account for this payment and future payments in accordance with ${MERCHANT}'s terms, until this authorization is revoked.`;

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f5fb; color: #1d2140; }
  header { background: #1d2140; color: #fff; padding: .8rem 1.5rem; display: flex; gap: 1.5rem; align-items: center; }
  header a { color: #fff; text-decoration: none; }
  header .brand { font-weight: 700; font-size: 1.15rem; margin-right: auto; }
  header form { margin: 0; }
  header button { background: none; border: 1px solid #8a8fb8; color: #fff; border-radius: 6px; padding: .2rem .6rem; cursor: pointer; }
  main { max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
  section { background: #fff; border-radius: 10px; padding: 1.2rem 1.5rem; margin-bottom: 1.2rem; box-shadow: 0 1px 6px rgba(0,0,0,.06); }
  h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 0; }
  .terms { border-left: 3px solid #7a73ff; padding-left: .8rem; color: #444a6d; }
  button.primary, a.button { background: #635bff; color: #fff; border: 0; border-radius: 8px; padding: .6rem 1rem; font: inherit; cursor: pointer; text-decoration: none; display: inline-block; }
  button.danger { background: #fff; color: #b3261e; border: 1px solid #b3261e; border-radius: 8px; padding: .5rem .9rem; font: inherit; cursor: pointer; }
  button:disabled { opacity: .5; cursor: default; }
  .ok { color: #0a7b3e; font-weight: 600; } .bad { color: #b3261e; font-weight: 600; }
  .notice { background: #eef7f1; border: 1px solid #b6dec4; border-radius: 8px; padding: .6rem .9rem; }
  .error { background: #fdeeee; border: 1px solid #f0b7b3; border-radius: 8px; padding: .6rem .9rem; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; }
  th, td { text-align: left; padding: .3rem .4rem; border-bottom: 1px solid #e3e5ef; vertical-align: top; }
  code { font-size: .85em; }
  label { display: block; margin: .4rem 0; }
  input[type=text], input[type=email] { font: inherit; padding: .35rem .5rem; width: 18rem; max-width: 100%; }
  fieldset { border: 1px solid #d7d9e6; border-radius: 8px; margin: .8rem 0; }
  .muted { color: #6b7094; font-size: .85rem; }
`;

export interface PageOptions {
  title: string;
  rider?: Rider;
  onfileUrl: string;
  /** Loads onfile's Stripe.js-compatible library and the page script, with this configuration. */
  script?: Record<string, unknown>;
}

export function page(opts: PageOptions, body: Html): string {
  // Stripe.js goes in the head, as the seed says; the page script reads its settings from a JSON block.
  const head = opts.script
    ? html`<script src="${opts.onfileUrl}/v3/"></script>
<script type="application/json" id="rr-config">${new Html(jsonForScript(opts.script))}</script>
<script src="/static/rocket-rides.js" defer></script>`
    : html``;
  const account = opts.rider
    ? html`<span>Signed in as <strong>${opts.rider.name}</strong></span><form method="post" action="/signout"><button type="submit">Sign out</button></form>`
    : html``;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · ${MERCHANT}</title>
<style>${new Html(STYLE)}</style>
${head}
</head>
<body>
<header><a class="brand" href="/">${MERCHANT}</a><a href="/">Home</a><a href="/webhooks">Webhook log</a>${account}</header>
<main>
${body}
</main>
<p class="muted" style="text-align:center">Example merchant app. Stripe API: <code>${opts.onfileUrl}</code> (onfile)</p>
</body>
</html>
`.markup;
}

/** The terms block and the opt-in the rider must tick before any confirm button works. */
export function authorizationTerms(name = 'accept'): Html {
  return html`<p class="terms">${AUTHORIZATION_TEXT}</p>
<label><input type="checkbox" name="${name}" value="yes" required> I agree to these terms</label>`;
}
