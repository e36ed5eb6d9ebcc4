import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Rocket Rides' own records: its riders, their sessions, the authorization each rider accepted,
 * the rides it charged, and the webhook events it verified. Stripe (here onfile) stays the source
 * of truth for payment state; the app keeps only what a merchant must keep itself. One JSON file,
 * rewritten atomically (write + rename) after every change.
 */
export type CustomerKind = 'customer' | 'account';

/** The seed: "make sure that you keep a record of your customer's written agreement to these terms". */
export interface Acceptance {
  text: string;
  accepted_at: number;
  ip: string;
  user_agent: string;
  /** The SetupIntent or PaymentIntent the rider was about to confirm. */
  intent: string;
  via: 'stripe.js' | 'server redirect';
}

export interface Rider {
  id: string;
  name: string;
  email: string;
  /** `customer`: a Customers v1 object (cus_…); `account`: a customer-configured Accounts v2 object (acct_…). */
  kind: CustomerKind;
  stripe_id: string;
  created: number;
  acceptances: Acceptance[];
  /** PaymentIntents charged for this rider's rides, newest first. */
  rides: string[];
}

export interface LoggedEvent {
  id: string;
  type: string;
  object_id: string | null;
  created: number;
  received_at: number;
  request_id: string | null;
}

interface Data {
  webhook_endpoint: { id: string; secret: string; url: string } | null;
  riders: Record<string, Rider>;
  sessions: Record<string, string>;
  events: LoggedEvent[];
  rejected_webhooks: number;
}

const MAX_EVENTS = 500;

export class Store {
  private data: Data;

  constructor(private readonly file: string) {
    try {
      this.data = JSON.parse(readFileSync(file, 'utf8')) as Data;
    } catch {
      this.data = { webhook_endpoint: null, riders: {}, sessions: {}, events: [], rejected_webhooks: 0 };
    }
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  get webhookEndpoint() {
    return this.data.webhook_endpoint;
  }

  setWebhookEndpoint(we: Data['webhook_endpoint']): void {
    this.data.webhook_endpoint = we;
    this.save();
  }

  addRider(r: Omit<Rider, 'id' | 'acceptances' | 'rides'>): { rider: Rider; session: string } {
    const rider: Rider = { id: `rider_${randomBytes(8).toString('hex')}`, acceptances: [], rides: [], ...r };
    const session = randomBytes(24).toString('base64url');
    this.data.riders[rider.id] = rider;
    this.data.sessions[session] = rider.id;
    this.save();
    return { rider, session };
  }

  riderForSession(session: string | undefined): Rider | undefined {
    if (!session || !Object.hasOwn(this.data.sessions, session)) return undefined;
    return this.data.riders[this.data.sessions[session]];
  }

  endSession(session: string | undefined): void {
    if (session && Object.hasOwn(this.data.sessions, session)) {
      delete this.data.sessions[session];
      this.save();
    }
  }

  recordAcceptance(riderId: string, a: Acceptance): void {
    this.data.riders[riderId].acceptances.unshift(a);
    this.save();
  }

  recordRide(riderId: string, paymentIntent: string): void {
    const rides = this.data.riders[riderId].rides;
    if (!rides.includes(paymentIntent)) rides.unshift(paymentIntent);
    this.save();
  }

  logEvent(e: LoggedEvent): void {
    if (this.data.events.some((x) => x.id === e.id)) return; // Stripe may deliver an event more than once
    this.data.events.unshift(e);
    this.data.events.length = Math.min(this.data.events.length, MAX_EVENTS);
    this.save();
  }

  countRejectedWebhook(): void {
    this.data.rejected_webhooks += 1;
    this.save();
  }

  get events(): readonly LoggedEvent[] {
    return this.data.events;
  }

  get rejectedWebhooks(): number {
    return this.data.rejected_webhooks;
  }
}
