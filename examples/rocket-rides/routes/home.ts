import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { currentRider, SESSION_COOKIE, sendPage, sessionOf, RIDE, type AppContext } from '../context.js';
import { createStripeCustomer, savedAmazonPay } from '../customers.js';
import { html, money, when, type Html } from '../html.js';
import { page } from '../layout.js';
import type { CustomerKind, Rider } from '../store.js';

export function homeRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/', async (req, reply) => {
    const rider = currentRider(ctx, req);
    if (!rider) return sendPage(reply, page({ title: 'Sign up', onfileUrl: ctx.onfileUrl }, signUpForm()));
    const q = req.query as Record<string, string | undefined>;
    return sendPage(reply, page({ title: 'Your rides', rider, onfileUrl: ctx.onfileUrl }, await dashboard(ctx, rider, q.removed)));
  });

  app.post('/signup', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const name = (body.name ?? '').trim();
    const email = (body.email ?? '').trim();
    const kind: CustomerKind | undefined = body.kind === 'customer' || body.kind === 'account' ? body.kind : undefined;
    if (!name || !email || !kind) {
      return sendPage(reply, page({ title: 'Sign up', onfileUrl: ctx.onfileUrl }, signUpForm('Enter your name and email and choose how Rocket Rides stores you.')), 400);
    }
    // Create the customer when the rider creates an account with the business (the seed's advice).
    const stripeId = await createStripeCustomer(ctx.stripe, kind, name, email);
    const { session } = ctx.store.addRider({ name, email, kind, stripe_id: stripeId, created: Math.floor(Date.now() / 1000) });
    return reply.code(303).header('Set-Cookie', `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax`).header('Location', '/').send();
  });

  app.post('/signout', async (req, reply) => {
    ctx.store.endSession(sessionOf(req));
    return reply.code(303).header('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`).header('Location', '/').send();
  });
}

function signUpForm(error?: string): Html {
  return html`<section>
<h1>Ride with Rocket Rides</h1>
<p>Sign up, save Amazon Pay once, and we charge each ride when it ends — no checkout in the car.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/signup">
  <label>Name <input type="text" name="name" required autocomplete="name"></label>
  <label>Email <input type="email" name="email" required autocomplete="email"></label>
  <fieldset>
    <legend>Store me in Stripe as</legend>
    <label><input type="radio" name="kind" value="customer" checked> a Customer (Customers v1, <code>cus_…</code>)</label>
    <label><input type="radio" name="kind" value="account"> a customer-configured Account (Accounts v2, <code>acct_…</code>)</label>
  </fieldset>
  <button class="primary" type="submit">Sign up</button>
</form>
</section>`;
}

async function dashboard(ctx: AppContext, rider: Rider, removed: string | undefined): Promise<Html> {
  const methods = await savedAmazonPay(ctx.stripe, rider);
  const rides = await Promise.all(rider.rides.slice(0, 10).map((id) => ctx.stripe.paymentIntents.retrieve(id)));
  const saved = methods[0];
  return html`<h1>Hello, ${rider.name}</h1>
${removed ? html`<p class="notice" role="status" id="removed">Payment method <code>${removed}</code> removed. Rocket Rides can no longer charge it.</p>` : ''}
<section id="profile">
<h2>Your profile</h2>
<p>${rider.email} · stored as ${rider.kind === 'customer' ? 'a Customer (v1)' : 'a customer-configured Account (v2)'} <code id="stripe-customer">${rider.stripe_id}</code></p>
</section>
<section id="payment-method">
<h2>Payment method</h2>
${saved
  ? html`<p>Amazon Pay saved: <code id="saved-payment-method">${saved.id}</code> (since ${when(saved.created)})</p>
<form method="post" action="/charge"><button class="primary" type="submit">Charge a ride now (${money(RIDE.amount, RIDE.currency)})</button></form>
<form method="post" action="/detach" style="margin-top:.6rem"><input type="hidden" name="payment_method" value="${saved.id}"><button class="danger" type="submit">Remove payment method</button></form>`
  : html`<p id="no-payment-method">No payment method saved yet.</p>`}
<p>Save Amazon Pay${saved ? ' again' : ''}:</p>
<ul>
  <li><a href="/save">Save Amazon Pay</a> — SetupIntent; the page fetches its client secret from <code>/secret</code></li>
  <li><a href="/checkout">Save Amazon Pay (checkout page)</a> — SetupIntent; the client secret is rendered into the page</li>
  <li><a href="/first-ride">Pay for your first ride and save Amazon Pay</a> — PaymentIntent with <code>setup_future_usage=off_session</code></li>
</ul>
</section>
<section id="rides">
<h2>Rides</h2>
${rides.length ? html`<table><thead><tr><th>Ride</th><th>Amount</th><th>Status</th></tr></thead><tbody>
${rides.map((pi) => html`<tr data-ride="${pi.id}" data-status="${pi.status}"><td><a href="/rides/${pi.id}"><code>${pi.id}</code></a></td><td>${money(pi.amount, pi.currency)}</td><td>${rideStatus(pi)}</td></tr>`)}
</tbody></table>` : html`<p>No rides yet.</p>`}
</section>
<section id="acceptances">
<h2>Authorizations you gave</h2>
${rider.acceptances.length ? html`<table><thead><tr><th>When</th><th>For</th><th>From</th><th>Terms</th></tr></thead><tbody>
${rider.acceptances.map((a) => html`<tr data-intent="${a.intent}"><td>${when(a.accepted_at)}</td><td><code>${a.intent}</code> (${a.via})</td><td>${a.ip}<br><span class="muted">${a.user_agent}</span></td><td>${a.text}</td></tr>`)}
</tbody></table>` : html`<p>None yet.</p>`}
</section>`;
}

export function rideStatus(pi: Stripe.PaymentIntent): Html {
  if (pi.status === 'succeeded') return html`<span class="ok">paid</span>`;
  if (pi.last_payment_error) return html`<span class="bad">declined</span> — ${pi.last_payment_error.message ?? pi.last_payment_error.code}`;
  return html`${pi.status}`;
}
