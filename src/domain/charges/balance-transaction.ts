import type Stripe from 'stripe';

/**
 * Balance transactions (https://docs.stripe.com/api/balance_transactions/object): the money a
 * captured Charge adds to the balance, a Refund takes out, a failed Refund puts back. onfile
 * charges no fees (fee 0, net = amount). Funds become available two days after the payment, as on
 * Stripe's standard US payout schedule; `status` follows from `available_on` when read.
 */
export type BalanceTransactionKind = 'charge' | 'refund' | 'refund_failure';

const AVAILABLE_AFTER_SECONDS = 2 * 24 * 3600;

export function newBalanceTransaction(input: { id: string; kind: BalanceTransactionKind; amount: number; currency: string; created: number; source: string; description: string | null }): Stripe.BalanceTransaction {
  const signed = input.kind === 'refund' ? -Math.abs(input.amount) : Math.abs(input.amount);
  return {
    id: input.id,
    object: 'balance_transaction',
    amount: signed,
    available_on: input.created + AVAILABLE_AFTER_SECONDS,
    balance_type: 'payments',
    created: input.created,
    currency: input.currency,
    description: input.description,
    exchange_rate: null,
    fee: 0,
    fee_details: [],
    net: signed,
    reporting_category: input.kind,
    source: input.source,
    status: 'pending',
    type: input.kind,
  };
}

/** `pending` until `available_on`, then `available`. */
export function withStatusAt(bt: Stripe.BalanceTransaction, nowSeconds: number): Stripe.BalanceTransaction {
  return { ...bt, status: nowSeconds >= bt.available_on ? 'available' : 'pending' };
}
